"""/chat, a multimodal ChatInterface (demos/src/chat.rs), through gradio_client, the queue's raw
messages, and MCP: the reply comes whole from predict and growing from submit, as edits on the
wire; a message is text with files (Gradio's MultimodalTextbox), or text alone."""

import base64
import io
import json
import re

import httpx
import pytest
from gradio_client import Client, handle_file
from PIL import Image
from gradio_client.exceptions import AppError, ValidationError

from test_mcp import ORIGIN, with_session

URL = f"{ORIGIN}/chat/"


def plain(word):
    return re.sub(r"[^a-z]", "", word.lower())


def test_predict_answers_with_a_reply_from_a_word_of_the_message():
    reply = Client(URL, verbose=False).predict({"text": "Queequeg Queequeg", "files": []}, api_name="/chat")
    assert isinstance(reply, str) and len(reply.split()) >= 25, reply
    assert plain(reply.split()[0]) == "queequeg", reply


def test_an_additional_input_is_a_parameter_after_the_message():
    client = Client(URL, verbose=False)
    parameters = client.view_api(return_format="dict", print_info=False)["named_endpoints"]["/chat"]["parameters"]
    assert [p["parameter_name"] for p in parameters] == ["message", "longest_reply"]
    assert parameters[0]["python_type"]["type"] == "dict(text: str, files: list[filepath])"
    assert parameters[1]["parameter_has_default"] and parameters[1]["parameter_default"] == 60
    for _ in range(3):
        assert len(client.predict("the sea", 25, api_name="/chat").split()) <= 25


def test_submit_yields_the_reply_as_it_grows():
    job = Client(URL, verbose=False).submit({"text": "Tell me about the whale", "files": []}, api_name="/chat")
    replies = list(job)
    assert len(replies) > 20
    assert all(later.startswith(earlier) for earlier, later in zip(replies, replies[1:]))
    assert job.result() == replies[-1]


def test_the_queue_sends_each_word_as_an_append_to_the_reply():
    info = Client(URL, verbose=False).config
    fn_index = next(d["id"] for d in info["dependencies"] if d["api_name"] == "chat")
    messages = queue_messages("chat-raw-session", {"data": [{"text": "the sea", "files": []}, None, 60], "fn_index": fn_index})
    generating = [m["output"]["data"] for m in messages if m["msg"] == "process_generating"]
    first, rest = generating[0], generating[1:]
    # First the thinking step alone (no answer yet), then the answer's words appended to the
    # reply (and no change to the State's place).
    assert first == ["", None]
    appended = [edits[0] for edits in rest if edits[0]]
    assert len(appended) >= 25 and all(len(e) == 1 and e[0][:2] == ["append", []] for e in appended), rest[:3]
    assert all(edits[1] == [] for edits in rest)
    whole = "".join(e[0][2] for e in appended)
    assert messages[-1]["output"]["data"][0] == whole


def queue_messages(session, body):
    joined = httpx.post(f"{URL}gradio_api/queue/join", json={**body, "session_hash": session})
    assert joined.status_code == 200, joined.text
    messages = []
    with httpx.stream("GET", f"{URL}gradio_api/queue/data", params={"session_hash": session}, timeout=30) as stream:
        for line in stream.iter_lines():
            if line.startswith("data: "):
                messages.append(json.loads(line[6:]))
                if messages[-1]["msg"] == "process_completed":
                    return messages
    return messages


def test_a_like_through_gradios_queue_reaches_the_demo_and_its_chatbot_is_marked_likeable():
    config = Client(URL, verbose=False).config
    like = next(d for d in config["dependencies"] if d["targets"][0][1] == "like")
    assert like["api_visibility"] == "private"
    chatbot = next(c for c in config["components"] if c["id"] == like["targets"][0][0])
    assert chatbot["type"] == "chatbot" and chatbot["props"]["likeable"] is True
    answer = {"role": "assistant", "content": "Call me Ishmael."}
    liked = {"index": 1, "value": answer, "liked": True}
    call = {"data": [[{"role": "user", "content": "Who are you?"}, answer]], "fn_index": like["id"], "event_data": liked}
    messages = queue_messages("chat-like-session", call)
    assert messages[-1]["success"], messages[-1]
    logs = [m["log"] for m in messages if m["msg"] == "log"]
    assert re.match(r"Noted: you liked answer 2\. Ishmael's answers have \d+ likes", logs[0]), logs
    refused = httpx.post(f"{URL}gradio_api/queue/join",
                         json={**call, "session_hash": "chat-like-3", "event_data": None})
    assert refused.status_code in (400, 422) and "a like's event data is" in refused.text, refused.text


def test_a_picture_in_a_message_is_looked_at(tmp_path):
    # The demo names the picture's main colour and answers from that word of the chapters.
    Image.new("RGB", (40, 30), (30, 60, 200)).save(tmp_path / "blue.png")
    client = Client(URL, verbose=False)
    reply = client.predict({"text": "", "files": [handle_file(str(tmp_path / "blue.png"))]}, api_name="/chat")
    assert plain(reply.split()[0]) == "blue", reply
    (tmp_path / "fake.png").write_text("not a picture")
    with pytest.raises((AppError, ValidationError), match=r'"fake.png" is text/plain, not one of the kinds of file this input takes: image'):
        client.predict({"text": "and this?", "files": [handle_file(str(tmp_path / "fake.png"))]}, api_name="/chat")


def test_bad_messages_are_refused_in_words_and_the_next_is_answered():
    client = Client(URL, verbose=False)
    with pytest.raises(AppError, match="Type a message first."):
        client.predict("   ", api_name="/chat")
    # Past the server's Limits::max_message_chars (RHEO_MAX_MESSAGE_CHARS, 10,000).
    with pytest.raises(AppError, match="the message has 10001 characters, the most a message may have is 10000"):
        client.predict("x" * 10_001, api_name="/chat")
    assert client.predict("And then?", api_name="/chat")


def test_mcp_has_one_tool_for_the_chat_which_replies():
    async def use(session):
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        chat_tools = [name for name in tools if name.startswith("chat")]
        assert chat_tools == ["chat_chat"], chat_tools
        assert sorted(tools["chat_chat"].input_schema["properties"]) == ["longest_reply", "message"]
        assert sorted(tools["chat_chat"].input_schema["properties"]["message"]["properties"]) == ["files", "text"]
        result = await session.call_tool("chat_chat", {"message": {"text": "Who is Queequeg?"}})
        assert not result.is_error, result
        assert len(result.content[0].text.split()) >= 25
        picture = io.BytesIO()
        Image.new("RGB", (8, 8), (250, 250, 250)).save(picture, format="PNG")
        data_url = "data:image/png;base64," + base64.b64encode(picture.getvalue()).decode()
        result = await session.call_tool("chat_chat", {"message": {"text": "", "files": [data_url]}})
        assert not result.is_error and plain(result.content[0].text.split()[0]) == "white", result

    with_session(use)
