"""The official Python MCP client (the `mcp` package, unmodified) against the demos' MCP server
at <origin>/gradio_api/mcp/ (the release server started by scripts/test.sh)."""

import asyncio
import base64
import io
import json
import os

import httpx
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp import MCPError
from PIL import Image

ORIGIN = os.environ.get("RHEO_ORIGIN", "http://127.0.0.1:3000")
URL = f"{ORIGIN}/gradio_api/mcp/"


def with_session(use, url=URL):
    """Runs `use(session)` in a fresh, initialised MCP session and returns what it returns."""

    async def run():
        async with streamable_http_client(url) as streams:
            async with ClientSession(streams[0], streams[1]) as session:
                await session.initialize()
                return await use(session)

    return asyncio.run(run())


def png(image):
    out = io.BytesIO()
    image.save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def test_every_interface_is_a_tool_with_its_parameters_described():
    tools = {tool.name: tool for tool in with_session(lambda s: s.list_tools()).tools}
    assert {"calculator", "flip", "greet", "diffusion", "transcribe_transcribe", "files"} <= set(tools)
    calculator = tools["calculator"]
    assert calculator.description.startswith("A live calculator")
    schema = calculator.input_schema
    assert set(schema["properties"]) == {"num1", "operation", "num2"}
    assert schema["properties"]["operation"]["enum"] == ["add", "subtract", "multiply", "divide"]
    assert schema["properties"]["num1"]["description"] == "The number on the left."
    steps = tools["diffusion"].input_schema["properties"]["steps"]
    assert (steps["minimum"], steps["maximum"], steps["default"]) == (1, 20, 8)
    assert tools["flip"].input_schema["properties"]["webcam"]["contentEncoding"] == "base64"
    assert tools["flip"].input_schema["required"] == ["webcam"], "a parameter without a default is required"


def test_calculator_computes_and_its_error_is_a_tool_error():
    async def use(session):
        product = await session.call_tool("calculator", {"num1": 3, "operation": "multiply", "num2": 4})
        failure = await session.call_tool("calculator", {"num1": 1, "operation": "divide", "num2": 0})
        return product, failure

    product, failure = with_session(use)
    assert not product.is_error and float(product.content[0].text) == 12
    assert failure.is_error and failure.content[0].text == "Cannot divide by zero."


def test_dates_colours_and_highlighted_text_go_through_tools():
    async def use(session):
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        planned = await session.call_tool("event", {"title": "Launch", "start": "2027-03-01 09:00:00", "colour": "#1c4a7a"})
        tagged = await session.call_tool("tagger", {"text": "Then Ada met 3 friends."})
        return tools, planned, tagged

    tools, planned, tagged = with_session(use)
    properties = tools["event"].input_schema["properties"]
    assert properties["colour"]["pattern"].startswith("^#") and properties["colour"]["default"] == "#ff8000"
    assert "YYYY-MM-DD HH:MM:SS" in properties["start"]["description"]
    assert not planned.is_error
    texts = [content.text for content in planned.content]
    assert texts[1:] == ["2027-02-28 09:00:00", "#ffffff"], texts
    assert not tagged.is_error and '"token":"Ada"' in tagged.content[0].text.replace(" ", ""), tagged.content


def test_a_table_goes_through_a_tool_with_its_bounds_in_the_schema():
    table = {"headers": ["city", "january"], "data": [["Oslo", -2.9], ["Lima", 22.9]]}

    async def use(session):
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        return tools, await session.call_tool("summary", {"table": table})

    tools, summarised = with_session(use)
    schema = tools["summary"].input_schema["properties"]["table"]
    assert schema["properties"]["data"]["maxItems"] == 10_000 and "city, january, july, coast" in schema["description"]
    assert not summarised.is_error, summarised.content
    assert json.loads(summarised.content[0].text)["data"][1] == ["january", 2, 10, -2.9, 22.9]


def test_flip_returns_the_image_upside_down():
    image = Image.new("RGB", (4, 3))
    for y in range(3):
        for x in range(4):
            image.putpixel((x, y), (y * 100, 0, 0))
    result = with_session(lambda s: s.call_tool("flip", {"webcam": png(image)}))
    assert not result.is_error
    [content] = result.content
    assert content.type == "image" and content.mime_type == "image/png"
    flipped = Image.open(io.BytesIO(base64.b64decode(content.data))).convert("RGB")
    assert [flipped.getpixel((0, y))[0] for y in range(3)] == [200, 100, 0]
    as_data_url = with_session(lambda s: s.call_tool("flip", {"webcam": "data:image/png;base64," + png(image)}))
    assert as_data_url.content[0].data == content.data


def test_a_gallery_comes_back_as_images_each_followed_by_its_caption():
    result = with_session(lambda s: s.call_tool("landscapes", {"prompt": "a forest at dawn", "images": 2, "seed": 3}))
    assert not result.is_error
    kinds = [content.type for content in result.content]
    assert kinds == ["image", "text", "image", "text"], kinds
    assert [content.text for content in result.content[1::2]] == ["Dawn over forest, variation 1", "Dawn over forest, variation 2"]
    first = Image.open(io.BytesIO(base64.b64decode(result.content[0].data)))
    assert (result.content[0].mime_type, first.format, first.size) == ("image/webp", "WEBP", (192, 192))


def test_an_annotated_image_comes_back_as_the_picture_then_each_region_with_its_label():
    picture = Image.new("RGB", (80, 60), (200, 200, 196))
    for x in range(10, 30):
        for y in range(10, 40):
            picture.putpixel((x, y), (30, 90, 220))
    result = with_session(lambda s: s.call_tool("detect", {"picture": png(picture), "draw": "boxes"}))
    assert not result.is_error
    assert [content.type for content in result.content] == ["image", "image", "text"], result.content
    assert result.content[2].text == "blue"
    mask = Image.open(io.BytesIO(base64.b64decode(result.content[1].data)))
    assert (mask.mode, mask.size, mask.getpixel((10, 10))) == ("RGBA", (80, 60), (25, 113, 194, 255))


def test_a_generator_reports_progress_then_gives_its_last_picture():
    seen = []

    async def on_progress(progress, total, message):
        seen.append(progress)

    async def use(session):
        return await session.call_tool("diffusion", {"steps": 3}, progress_callback=on_progress)

    result = with_session(use)
    assert not result.is_error and result.content[0].type == "image"
    assert seen == [1, 2, 3], "one notification per picture"


def test_audio_comes_back_as_audio_content_and_a_default_fills_a_missing_argument():
    result = with_session(lambda s: s.call_tool("synth", {"notes": "C4 E4"}))
    assert not result.is_error
    [content] = result.content
    assert content.type == "audio" and content.mime_type == "audio/wav"
    wav = base64.b64decode(content.data)
    assert wav[:4] == b"RIFF" and wav[8:12] == b"WAVE", "the whole melody, joined"


@pytest.mark.parametrize(
    "tool, arguments, message",
    [
        ("nope", {}, 'there is no tool named "nope"'),
        ("flip", {}, 'the argument "webcam" is missing'),
        ("calculator", {"num1": "one", "operation": "add", "num2": 2}, "num1: expected a number, got text"),
        ("calculator", {"num1": 1, "operation": "pow", "num2": 2}, "is not one of the choices"),
        ("calculator", {"num1": 1, "operation": "add", "num2": 2, "num3": 3}, 'there is no argument "num3"'),
        ("flip", {"webcam": "not base64!"}, "webcam: this is not base64"),
        ("flip", {"webcam": base64.b64encode(b"GIF89a not a picture").decode()}, "not an image in a format"),
        ("flip", {"webcam": png(Image.new("L", (9000, 1)))}, "the image is too large"),
        ("event", {"title": "x", "start": "tomorrow", "colour": "#000"}, 'start: "tomorrow" is not a date and time'),
        ("event", {"title": "x", "start": "now", "colour": "teal"}, 'colour: "teal" is not a colour'),
        ("contact_sheet", {"images": [{"caption": "no image"}]}, "images: expected a list of base64 texts or data: URLs"),
        ("contact_sheet", {"images": [""] * 33}, "images: 33 files were sent: at most 32 are taken"),
    ],
)
def test_bad_calls_are_json_rpc_errors_that_name_the_problem(tool, arguments, message):
    async def use(session):
        try:
            await session.call_tool(tool, arguments)
        except MCPError as error:
            return error

    error = with_session(use)
    assert error is not None and message in error.error.message, error


def test_a_malformed_message_gets_a_json_rpc_error_and_the_server_goes_on():
    headers = {"content-type": "application/json", "accept": "application/json, text/event-stream"}
    response = httpx.post(URL, content=b'{"jsonrpc": "2.0", "id": 1, "method": ', headers=headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == -32700 and "EOF while parsing" in response.json()["error"]["message"]
    assert with_session(lambda s: s.list_tools()).tools


def test_a_gallery_input_takes_images_as_base64_alone_or_with_a_caption():
    tools = {tool.name: tool for tool in with_session(lambda s: s.list_tools()).tools}
    assert tools["contact_sheet"].input_schema["properties"]["images"]["type"] == "array"
    red, blue = png(Image.new("RGB", (8, 6), (220, 30, 40))), png(Image.new("RGB", (8, 6), (30, 90, 220)))
    images = ["data:image/png;base64," + red, {"image": blue, "caption": "blue"}]
    result = with_session(lambda s: s.call_tool("contact_sheet", {"images": images, "columns": 2}))
    assert not result.is_error, result
    sheet, said = result.content
    assert sheet.type == "image" and said.text == "2 images on 1 row of 2: 1. (8×6), 2. blue (8×6)"
