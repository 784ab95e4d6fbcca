"""A Blocks app (/workshop) through every API client: gradio_client, the Rust `gr`, MCP, and
plain HTTP for what no client should reach (a private event, an unknown one)."""

import httpx
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from test_mcp import ORIGIN, with_session
from test_rust_client import gr

URL = f"{ORIGIN}/workshop/"
TEXT = "The cat sat on the mat. The mat was flat!"


@pytest.fixture(scope="module")
def workshop():
    return Client(URL, verbose=False)


def test_gradio_client_calls_two_named_events_of_one_app(workshop):
    assert workshop.predict(TEXT, api_name="/count_words") == 10
    assert workshop.predict(text=TEXT, api_name="/shout") == TEXT.upper()
    # An update (the value relabelled) comes as Gradio's own: the object, `__type__` and all.
    found = workshop.predict(TEXT, "mat", api_name="/find")
    assert found == {"__type__": "update", "value": 2, "label": 'found "mat"'}
    top, choices = workshop.predict(TEXT, 2, api_name="/top_words")
    assert [entry["word"] for entry in top] == ["the", "mat"]
    assert choices == {"__type__": "update", "choices": ["the", "mat"]}
    # A generator: the client gets its last value.
    assert workshop.predict("one two three", api_name="/spell") == "one two three"


def test_two_events_share_a_state_per_client_session():
    first, second = Client(URL, verbose=False), Client(URL, verbose=False)
    # The State is no parameter and no result: one text in, one message out.
    assert first.predict(TEXT, api_name="/keep") == "1 kept"
    assert first.predict("two", api_name="/keep") == "2 kept"
    assert first.predict(api_name="/kept") == f"{TEXT} | two"
    assert second.predict(api_name="/kept") == "nothing kept yet", "another client, its own session"


def test_the_choices_an_update_gave_are_the_client_sessions_own():
    first, second = Client(URL, verbose=False), Client(URL, verbose=False)
    with pytest.raises(AppError, match='"mat" is not one of the choices: the'):
        first.predict(TEXT, "mat", api_name="/count_top_word")
    first.predict(TEXT, 2, api_name="/top_words")
    assert first.predict(TEXT, "mat", api_name="/count_top_word")["value"] == 2
    with pytest.raises(AppError, match='"mat" is not one of the choices: the'):
        second.predict(TEXT, "mat", api_name="/count_top_word")


def test_an_upload_event_is_called_with_a_file(workshop, tmp_path):
    picture = tmp_path / "green.png"
    Image.new("RGB", (6, 4), (20, 200, 30)).save(picture)
    assert workshop.predict(handle_file(str(picture)), api_name="/describe") == "a picture of 6 × 4 pixels, mostly green"
    upload = next(d for d in workshop.config["dependencies"] if d["api_name"] == "describe")
    assert [name for _, name in upload["targets"]] == ["upload"]
    find = next(d for d in workshop.config["dependencies"] if d["api_name"] == "find")
    assert [name for _, name in find["targets"]] == ["submit", "change"], "one event, two triggers"


def test_only_named_events_are_listed_and_a_private_one_cannot_be_called(workshop):
    api = workshop.view_api(print_info=False, return_format="dict")
    assert sorted(api["named_endpoints"]) == ["/count_top_word", "/count_words", "/describe", "/find", "/keep", "/kept", "/shout", "/spell", "/top_words"]
    with pytest.raises(ValueError, match="Cannot find a function with `api_name`: /report"):
        workshop.predict(TEXT, 10, api_name="/report")


@pytest.mark.parametrize("api_name", ["report", "nothing"])
def test_a_private_or_unknown_event_is_404_in_words_over_http(api_name):
    called = httpx.post(f"{URL}gradio_api/call/{api_name}", json={"data": [TEXT, 10]})
    assert (called.status_code, called.json()) == (404, {"detail": f'there is no endpoint named "{api_name}"'})
    rheo = httpx.post(f"{URL}run", json={"data": [TEXT, 10], "api_name": api_name})
    assert rheo.status_code == 404 and "there is no endpoint named" in rheo.json()["error"]


def test_rheos_own_api_calls_an_event_by_name_or_index():
    by_name = httpx.post(f"{URL}run", json={"data": [TEXT], "api_name": "shout"})
    assert by_name.json() == {"data": [TEXT.upper()]}
    by_index = httpx.post(f"{URL}run", json={"data": [TEXT], "fn_index": 0})
    assert by_index.json() == {"data": [10]}
    missing = httpx.post(f"{URL}run", json={"data": [TEXT], "fn_index": 99})
    assert (missing.status_code, missing.json()) == (404, {"error": "there is no endpoint with index 99"})


def test_gr_lists_and_runs_the_named_events():
    listed = gr("list", URL)
    for name in ["/count_words", "/shout", "/find", "/spell", "/top_words"]:
        assert name in listed
    assert "/report" not in listed
    assert gr("run", URL, "/shout", "hi there").strip().endswith('shouted: "HI THERE"')


def test_each_named_event_is_an_mcp_tool():
    async def use(session):
        tools = {tool.name for tool in (await session.list_tools()).tools}
        result = await session.call_tool("workshop_count_words", {"text": TEXT})
        return tools, result

    tools, result = with_session(use)
    assert {"workshop_count_words", "workshop_shout", "workshop_find", "workshop_spell", "workshop_top_words"} <= tools
    assert "workshop_report" not in tools
    assert not result.is_error and float(result.content[0].text) == 10


def test_a_tabbed_interface_is_one_app_whose_tabs_are_its_named_endpoints():
    tools = Client(f"{ORIGIN}/text_tools/", verbose=False)
    api = tools.view_api(print_info=False, return_format="dict")
    assert sorted(api["named_endpoints"]) == ["/greet", "/word_count"]
    assert tools.predict("Ada", 3, True, api_name="/greet") == "HELLO, ADA!!!"
    report, _ = tools.predict("one two two", api_name="/word_count")
    assert "3 words" in report
    labels = [c["props"].get("label") for c in tools.config["components"] if c["type"] == "tabitem"]
    assert labels == ["Greet", "Count words"]

    async def use(session):
        return {tool.name for tool in (await session.list_tools()).tools}

    assert {"text_tools_greet", "text_tools_word_count"} <= with_session(use)
