"""Rheo's components against Gradio 6.31's, side by side: for a demo and its Gradio twin
(gradio_twins.py, run here with the real Gradio), each component's props in /config, each
parameter's and return's description in /info, and the values a call gives, so that Gradio's
clients meet the same wire shapes on either server."""

import json
import pathlib
import re

import httpx
import pytest
from gradio_client import Client, handle_file
from PIL import Image, ImageDraw

from test_mcp import ORIGIN

# Props whose values the two must share, by component type (the rest is each server's look).
SHARED_PROPS = {
    "file": ["file_count", "file_types", "type", "label"],
    "multimodaltextbox": ["file_count", "file_types", "sources", "submit_btn", "max_plain_text_length"],
    "datetime": ["include_time", "type", "label"],
    "colorpicker": ["label"],
    "code": ["language", "lines", "show_line_numbers", "wrap_lines", "label"],
    "annotatedimage": ["show_legend", "color_map", "format", "label"],
    "gallery": ["columns", "allow_preview", "format", "type", "label"],
    "nativeplot": ["x", "y", "color", "title", "x_title", "y_title", "name", "label"],
    "dataframe": ["headers", "row_count", "col_count", "column_count", "datatype", "label"],
    "video": ["sources", "webcam_options", "include_audio", "autoplay", "loop", "streaming", "buttons", "label"],
    "highlightedtext": ["show_legend", "show_inline_category", "combine_adjacent", "adjacent_separator", "color_map", "label"],
}


def twin_fixture(name):
    """A fixture `<name>_twin`: the origin of Gradio's demo `name` (conftest.py's gradio_twins)."""

    @pytest.fixture(name=f"{name}_twin")
    def origin(gradio_twins):
        return gradio_twins[name]

    return origin


# Gradio's /files; /chat, a multimodal ChatInterface; /event, a DateTime and a ColorPicker in and
# out; /tagger, a HighlightedText out; /format_json, a Code editor in and a Code out;
# /landscapes, a Gallery out; /detect, an AnnotatedImage out; /summary, a Dataframe in and out and
# a BarPlot out; /signal, a LinePlot and a ScatterPlot out.
(files_twin, chat_twin, event_twin, tagger_twin, format_json_twin, landscapes_twin, detect_twin, summary_twin,
 signal_twin) = map(
    twin_fixture, ["files", "chat", "event", "tagger", "format_json", "landscapes", "detect", "summary", "signal"]
)


def components(config, kind):
    return [c for c in config["components"] if c["type"] == kind]


def shape(schema, defs=None):
    """A JSON schema's structure: types, required keys, property names, items; titles and
    descriptions left out, references followed."""
    defs = {**(defs or {}), **schema.get("$defs", {})}
    if "$ref" in schema:
        return shape(defs[schema["$ref"].split("/")[-1]], defs)
    out = {key: schema[key] for key in ("type", "required", "const") if key in schema}
    if "properties" in schema:
        out["properties"] = sorted(schema["properties"])
    if "items" in schema:
        out["items"] = shape(schema["items"], defs)
    if "anyOf" in schema:
        out["anyOf"] = [shape(s, defs) for s in schema["anyOf"]]
    return out


def described(info):
    """Each parameter and return of each endpoint: its component, Python type and schema shape."""
    return {
        name: [(p["component"], p["python_type"]["type"], shape(p["type"])) for p in endpoint["parameters"] + endpoint["returns"]]
        for name, endpoint in info["named_endpoints"].items()
    }


def test_file_props_match_gradios(files_twin):
    ours = components(httpx.get(f"{ORIGIN}/files/config").json(), "file")
    theirs = components(httpx.get(f"{files_twin}/config").json(), "file")
    assert len(ours) == len(theirs) == 2
    for mine, gradios in zip(ours, theirs):
        for prop in SHARED_PROPS["file"]:
            assert mine["props"].get(prop) == gradios["props"].get(prop), prop
    assert ours[0]["props"]["file_count"] == "multiple" and ours[1]["props"]["file_count"] == "single"


def test_file_parameters_and_returns_are_described_as_gradio_describes_them(files_twin):
    ours = described(httpx.get(f"{ORIGIN}/files/gradio_api/info").json())
    theirs = described(httpx.get(f"{files_twin}/gradio_api/info").json())
    assert ours["/describe_all"] == theirs["/describe_all"]
    assert [python for _, python, _ in ours["/describe_all"]] == ["list[filepath]", "str", "filepath"]


def raw_outputs(origin, upload_paths):
    """A call's outputs as the REST API gives them, after uploading the files."""
    files = [("files", (path.name, path.read_bytes())) for path in upload_paths]
    stored = httpx.post(f"{origin}/gradio_api/upload", files=files).json()
    value = [{"path": path, "orig_name": p.name, "meta": {"_type": "gradio.FileData"}} for path, p in zip(stored, upload_paths)]
    event = httpx.post(f"{origin}/gradio_api/call/describe_all", json={"data": [value]}).json()["event_id"]
    body = httpx.get(f"{origin}/gradio_api/call/describe_all/{event}", timeout=60).text
    assert "event: complete" in body, body
    return json.loads(body.split("data: ", 1)[1].splitlines()[0])


def test_file_values_have_gradios_shape_and_both_clients_read_them(files_twin, tmp_path):
    table = tmp_path / "table.csv"
    table.write_text("a,b\n1,2\n")
    notes = tmp_path / "notes.txt"
    notes.write_text("two words\n")
    ours, theirs = raw_outputs(f"{ORIGIN}/files", [table, notes]), raw_outputs(files_twin, [table, notes])
    assert set(ours[1]) == set(theirs[1]), "an output file's keys"
    assert ours[1]["orig_name"] == theirs[1]["orig_name"] == "report.csv"
    assert ours[1]["meta"] == theirs[1]["meta"] == {"_type": "gradio.FileData"}
    for origin in (f"{ORIGIN}/files", files_twin):
        summary, report = Client(f"{origin}/", verbose=False).predict(
            [handle_file(str(table)), handle_file(str(notes))], api_name="/describe_all"
        )
        assert summary.startswith("## 2 files"), summary
        lines = pathlib.Path(report).read_text().splitlines()
        assert lines[0] == "name,type,bytes,holds" and len(lines) == 3, lines


def test_a_multimodal_chats_message_box_and_chat_parameters_match_gradios(chat_twin):
    ours = components(httpx.get(f"{ORIGIN}/chat/config").json(), "multimodaltextbox")
    theirs = components(httpx.get(f"{chat_twin}/config").json(), "multimodaltextbox")
    assert ours and theirs
    for prop in SHARED_PROPS["multimodaltextbox"]:
        assert ours[0]["props"].get(prop) == theirs[0]["props"].get(prop), prop
    # The parameters of /chat (Gradio's answer is described as JSON, Rheo's as the text it is).
    mine = described(httpx.get(f"{ORIGIN}/chat/gradio_api/info").json())["/chat"][:2]
    gradios = described(httpx.get(f"{chat_twin}/gradio_api/info").json())["/chat"][:2]
    assert mine == gradios
    assert mine[0][:2] == ("Multimodaltextbox", "dict(text: str, files: list[filepath])")


def same_props(ours, theirs, kind):
    mine, gradios = components(ours, kind), components(theirs, kind)
    assert mine and len(mine) == len(gradios), kind
    for a, b in zip(mine, gradios):
        for prop in SHARED_PROPS[kind]:
            assert a["props"].get(prop) == b["props"].get(prop), (kind, prop)


def described_alike(demo, twin, api_name, kinds):
    """Rheo's /`demo` and its Gradio twin: the same props for components of `kinds`, the same
    description of `api_name`'s parameters and returns (which it gives back)."""
    ours, theirs = httpx.get(f"{ORIGIN}/{demo}/config").json(), httpx.get(f"{twin}/config").json()
    for kind in kinds:
        same_props(ours, theirs, kind)
    mine = described(httpx.get(f"{ORIGIN}/{demo}/gradio_api/info").json())[api_name]
    # One word differs, on purpose: a plot's value is "object" where Gradio writes {} (any
    # JSON), which the Rust client cannot read (test_rust_client.py lists Rheo's plots, and
    # fails on Gradio's).
    theirs = [(c, t, {"type": "object"} if s == {"type": {}} and c.endswith("plot") else s)
              for c, t, s in described(httpx.get(f"{twin}/gradio_api/info").json())[api_name]]
    assert mine == theirs
    return mine


def call(origin, api_name, data):
    """A call's outputs as the REST API gives them."""
    event = httpx.post(f"{origin}/gradio_api/call/{api_name}", json={"data": data}).json()["event_id"]
    body = httpx.get(f"{origin}/gradio_api/call/{api_name}/{event}", timeout=60).text
    assert "event: complete" in body, body
    return json.loads(body.split("data: ", 1)[1].splitlines()[0])


def test_date_times_and_colours_match_gradios(event_twin):
    mine = described_alike("event", event_twin, "/plan", ["datetime", "colorpicker"])
    assert [component for component, _, _ in mine] == ["Textbox", "Datetime", "Colorpicker", "Markdown", "Datetime", "Colorpicker"]
    # The same values on the wire, and through Gradio's client, from either server.
    for data in (["Launch", "2026-12-24 19:30:00", "#ff8000"], ["Board", "2027-03-01 09:00:00", "#1c4a7a"]):
        assert call(f"{ORIGIN}/event", "plan", data)[1:] == call(event_twin, "plan", data)[1:]
    for origin in (f"{ORIGIN}/event", event_twin):
        _, reminder, text = Client(f"{origin}/", verbose=False).predict("Launch", "2027-03-01 09:00:00", "#1C4A7A", api_name="/plan")
        assert (reminder, text) == ("2027-02-28 09:00:00", "#ffffff"), origin


def test_dates_and_colours_that_are_not_are_refused_in_words():
    for data, words in ((["x", "01/02/2027", "#ff8000"], "is not a date and time: give YYYY-MM-DD HH:MM:SS"),
                        (["x", "2027-02-29 10:00:00", "#ff8000"], "is not a date and time"),
                        (["x", "2027-02-01 10:00:00", "orange"], '"orange" is not a colour: give #rrggbb or #rgb')):
        refused = httpx.post(f"{ORIGIN}/event/gradio_api/call/plan", json={"data": data})
        assert refused.status_code == 422, refused.text
        assert [p["message"] for p in refused.json()["detail"] if not p["is_valid"]][0].find(words) >= 0, refused.text
    # Gradio's relative times, read in the server's local time.
    _, reminder, _ = call(f"{ORIGIN}/event", "plan", ["x", "now - 1d", "#000000"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", reminder), reminder


def test_highlighted_text_matches_gradios(tagger_twin):
    described_alike("tagger", tagger_twin, "/tag", ["highlightedtext"])
    text = "On Monday 3 March, Ada Lovelace met Charles Babbage. Then tea!"
    spans = call(f"{ORIGIN}/tagger", "tag", [text])[0]
    assert spans == call(tagger_twin, "tag", [text])[0]
    assert {"token": "Ada Lovelace", "class_or_confidence": "name"} in spans
    for origin in (f"{ORIGIN}/tagger", tagger_twin):
        read = Client(f"{origin}/", verbose=False).predict(text, api_name="/tag")
        assert read == spans, origin


def test_a_dataframe_matches_gradios(summary_twin):
    mine = described_alike("summary", summary_twin, "/summary", ["dataframe", "nativeplot"])
    assert [component for component, _, _ in mine] == ["Dataframe", "Dataframe", "Barplot"]
    cities, gradios = (components(httpx.get(f"{origin}/config").json(), "dataframe")[0]["props"]["value"]
                       for origin in (f"{ORIGIN}/summary", summary_twin))
    assert cities == gradios, "the input's starting table (an output starts empty in Rheo, whatever its kind)"
    # A table as Gradio's page sends one after an edit (a number typed as text, an empty cell),
    # and one with a header that is a number.
    edited = {"headers": ["city", "january"], "data": [["Oslo", "-2.5"], ["Rome", None], ["Lima", 23]], "metadata": None}
    numbered = {"headers": ["city", 2024], "data": [["Oslo", 1.5], ["Rome", 2]], "metadata": None}
    for table in (cities, edited, numbered):
        (ours, plot), (theirs, gradios_plot) = call(f"{ORIGIN}/summary", "summary", [table]), call(summary_twin, "summary", [table])
        assert ours == theirs, table
        assert plot == gradios_plot, table
        assert set(ours) == {"headers", "data", "metadata"} and ours["headers"] == ["column", "count", "mean", "min", "max"]
    assert ["january", 4, 10.07, -2.9, 22.9] in ours_for(cities)
    for origin in (f"{ORIGIN}/summary", summary_twin):
        table, plot = Client(f"{origin}/", verbose=False).predict(edited, api_name="/summary")
        assert table["data"][1] == ["january", 2, 10.25, -2.5, 23], origin
        assert plot["mark"] == "bar" and plot["datatypes"]["mean"] == "quantitative", origin


def test_line_and_scatter_plots_match_gradios(signal_twin):
    mine = described_alike("signal", signal_twin, "/signal", ["nativeplot"])
    assert [component for component, _, _ in mine][-2:] == ["Lineplot", "Scatterplot"]
    assert mine[-1][1] == "str | float | bool | list | dict"
    for data in ([1.5, 0.3, 7], [4, 0, 1], [0.5, 1, 123456]):
        ours, theirs = call(f"{ORIGIN}/signal", "signal", data), call(signal_twin, "signal", data)
        assert ours == theirs, data
    lines, dots = ours
    assert lines["mark"] == "line" and dots["mark"] == "point"
    assert lines["datatypes"] == {"t": "quantitative", "value": "quantitative", "series": "nominal"}
    assert len(lines["data"]) == 300 and lines["columns"] == ["t", "value", "series"]
    # gradio_client gives the plot's value as Gradio's own client gives it: the dict as it is.
    for origin in (f"{ORIGIN}/signal", signal_twin):
        read = Client(f"{origin}/", verbose=False).predict(2, 0.1, 5, api_name="/signal")
        assert read[1]["datatypes"]["error"] == "nominal" and len(read[1]["data"]) == 100, origin


def ours_for(table):
    return call(f"{ORIGIN}/summary", "summary", [table])[0]["data"]


def test_tables_out_of_bounds_are_refused_in_words():
    for table, words in (({"headers": ["a"], "data": [["x"], ["y", "z"]]}, "row 2 has 2 cells; the table has 1 column"),
                         ({"headers": ["a"], "data": [[{"x": 1}]]}, "a cell holds text, a number, true or false, or nothing"),
                         ({"headers": ["a"], "data": [["x"]] * 10_001}, "the table has 10001 rows; the limit is 10000"),
                         ({"rows": []}, "expected a table (headers and rows)")):
        refused = httpx.post(f"{ORIGIN}/summary/gradio_api/call/summary", json={"data": [table]})
        assert refused.status_code == 422, refused.text
        assert words in [p["message"] for p in refused.json()["detail"] if not p["is_valid"]][0], refused.text


def test_code_matches_gradios(format_json_twin):
    described_alike("format_json", format_json_twin, "/format_json", ["code"])
    for data in (['{"b": [1, 2.5], "a": "\u00e9"}', "2 spaces"], ['[{"z": null, "y": true}]', "tab"], ['{"k": [1]}', "minified"]):
        assert call(f"{ORIGIN}/format_json", "format_json", data) == call(format_json_twin, "format_json", data), data
    for origin in (f"{ORIGIN}/format_json", format_json_twin):
        formatted = Client(f"{origin}/", verbose=False).predict('{"a": {"b": 1}}', "4 spaces", api_name="/format_json")
        assert formatted == '{\n    "a": {\n        "b": 1\n    }\n}', origin


def test_a_gallery_matches_gradios(landscapes_twin):
    mine = described_alike("landscapes", landscapes_twin, "/landscapes", ["gallery"])
    assert mine[-1][:2] == ("Gallery", "list[dict(image: filepath, caption: str | None) | dict(video: filepath, caption: str | None)]")
    captions = ["Night over snow, variation 1", "Night over snow, variation 2", "Night over snow, variation 3"]
    ours, theirs = call(f"{ORIGIN}/landscapes", "landscapes", ["snow at night", 3, 1])[0], call(landscapes_twin, "landscapes", ["snow at night", 3, 1])[0]
    assert [item["caption"] for item in ours] == [item["caption"] for item in theirs] == captions
    assert set(ours[0]) == set(theirs[0]) == {"image", "caption"}
    assert set(ours[0]["image"]) == set(theirs[0]["image"]), "an image's keys"
    assert ours[0]["image"]["meta"] == theirs[0]["image"]["meta"] == {"_type": "gradio.FileData"}
    # Both clients download each image, WebP as Gradio stores them, and give its path with its caption.
    for origin in (f"{ORIGIN}/landscapes", landscapes_twin):
        read = Client(f"{origin}/", verbose=False).predict("snow at night", 3, 1, api_name="/landscapes")
        assert [item["caption"] for item in read] == captions, origin
        for item in read:
            riff = pathlib.Path(item["image"]).read_bytes()
            assert riff[:4] == b"RIFF" and riff[8:12] == b"WEBP", (origin, item)


def test_an_annotated_image_matches_gradios_to_the_pixel(detect_twin, tmp_path):
    ours, theirs = httpx.get(f"{ORIGIN}/detect/config").json(), httpx.get(f"{detect_twin}/config").json()
    same_props(ours, theirs, "annotatedimage")
    mine = described(httpx.get(f"{ORIGIN}/detect/gradio_api/info").json())["/detect"][-1]
    assert mine == described(httpx.get(f"{detect_twin}/gradio_api/info").json())["/detect"][-1]
    assert mine[:2] == ("Annotatedimage", "dict(image: filepath, annotations: list[dict(image: filepath, label: str)])")
    # A red square and a blue one: both servers box them alike and draw each box as the same mask.
    picture = Image.new("RGB", (160, 120), (200, 200, 196))
    ImageDraw.Draw(picture).rectangle((10, 12, 59, 71), fill=(220, 30, 40))
    ImageDraw.Draw(picture).rectangle((90, 40, 139, 99), fill=(30, 90, 220))
    picture.save(tmp_path / "shapes.png")
    found = {}
    for origin in (f"{ORIGIN}/detect", detect_twin):
        found[origin] = Client(f"{origin}/", verbose=False).predict(handle_file(str(tmp_path / "shapes.png")), "boxes", api_name="/detect")
    ours, theirs = found.values()
    assert set(ours) == set(theirs) == {"image", "annotations"}
    assert [a["label"] for a in ours["annotations"]] == [a["label"] for a in theirs["annotations"]] == ["red", "blue"]
    for mine, gradios in zip(ours["annotations"], theirs["annotations"]):
        mask, twin = Image.open(mine["image"]), Image.open(gradios["image"])
        assert (mask.mode, mask.size) == (twin.mode, twin.size) == ("RGBA", (160, 120))
        assert list(mask.getdata()) == list(twin.getdata()), mine["label"]
    assert Image.open(ours["annotations"][0]["image"]).getpixel((10, 12)) == (224, 49, 49, 255), "the author's red, its border solid"



contact_sheet_twin = twin_fixture("contact_sheet")


def test_a_gallery_input_is_described_as_gradios_and_both_clients_send_one(contact_sheet_twin, tmp_path):
    """A Gallery as an input: Gradio's props and description, and a list of
    `{"image": handle_file(...), "caption": ...}` that gradio_client uploads to either server."""
    described = described_alike("contact_sheet", contact_sheet_twin, "/contact_sheet", ["gallery"])
    assert described[0][:2] == ("Gallery", "list[dict(image: filepath, caption: str | None) | dict(video: filepath, caption: str | None)]")
    Image.new("RGB", (8, 6), (220, 30, 40)).save(tmp_path / "red.png")
    Image.new("RGB", (6, 8), (30, 90, 220)).save(tmp_path / "blue.png")
    images = [{"image": handle_file(str(tmp_path / "red.png")), "caption": "red"},
              {"image": handle_file(str(tmp_path / "blue.png")), "caption": None}]
    sheets = {}
    for origin in (f"{ORIGIN}/contact_sheet", contact_sheet_twin):
        sheets[origin] = Client(f"{origin}/", verbose=False).predict(images, 2, api_name="/contact_sheet")
    (sheet, said), (twins_image, twins_words) = sheets.values()
    assert said == "2 images on 1 row of 2: 1. red (8×6), 2. (6×8)"
    assert twins_words == "2 images" and Image.open(twins_image).size == (8, 6)
    sheet = Image.open(sheet).convert("RGB")
    assert sheet.size == (2 * 160 + 3 * 8, 120 + 2 * 8)
    assert sheet.getpixel((8 + 80, 8 + 60)) == (220, 30, 40) and sheet.getpixel((2 * 8 + 160 + 80, 8 + 60)) == (30, 90, 220)
