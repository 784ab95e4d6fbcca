"""A batched handler (`rheo::Batch`) through Gradio's clients and MCP, against the release
demo /topics (texts in, each one's topic out, up to 16 calls a run), and its /config against
a real Gradio 6.31 `Interface(batch=True, max_batch_size=16)` (gradio_twins.py topics)."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from gradio_client import Client

from test_components_match_gradio import twin_fixture
from test_mcp import ORIGIN, with_session

TOPICS = f"{ORIGIN}/topics"
TEXTS = {
    "a goal in the last minute of the match": "sport",
    "a recipe for sweet bread": "food",
    "guitar and drums at the concert": "music",
    "the physics experiment in the laboratory": "science",
    "a flight to the island, then a train to the mountain": "travel",
}


# Gradio's /topics, batched.
topics_twin = twin_fixture("topics")


def dependency(origin):
    return next(d for d in httpx.get(f"{origin}/config").json()["dependencies"] if d["api_name"] == "topics")


def test_the_config_says_batched_as_gradios_does(topics_twin):
    ours, theirs = dependency(TOPICS), dependency(topics_twin)
    assert (ours["batch"], ours["max_batch_size"]) == (theirs["batch"], theirs["max_batch_size"]) == (True, 16)


@pytest.mark.parametrize("origin", ["rheo", "gradio"])
def test_calls_made_together_each_get_their_own_answer_in_gradios_shape(origin, topics_twin):
    url = f"{TOPICS}/" if origin == "rheo" else topics_twin
    client = Client(url, verbose=False)
    texts = list(TEXTS) * 5  # within a session's 32 pending calls
    with ThreadPoolExecutor(max_workers=len(texts)) as pool:
        jobs = [client.submit(text, api_name="/topics") for text in texts]
        answers = list(pool.map(lambda job: job.result(timeout=60), jobs))
    assert [answer["label"] for answer in answers] == [TEXTS[text] for text in texts]
    assert all(set(answer) == {"label", "confidences"} for answer in answers), answers[0]
    assert all({c["label"] for c in answer["confidences"]} == set(TEXTS.values()) for answer in answers)


def test_mcp_lists_and_calls_the_batched_demo():
    async def use(session):
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        answer = await session.call_tool("topics", {"text": "a recipe for sweet bread"})
        return tools["topics"], answer

    tool, answer = with_session(use)
    assert set(tool.input_schema["properties"]) == {"text"}
    assert not answer.is_error and "food" in answer.content[0].text, answer
