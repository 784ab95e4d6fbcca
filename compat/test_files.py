"""The File component through Gradio's clients, its REST API and MCP, against the release
demo /files (images, text and PDFs in, each described; a CSV report out)."""

import base64
import io

import httpx
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError, ValidationError
from PIL import Image

from test_mcp import ORIGIN, with_session

FILES = f"{ORIGIN}/files"
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(scope="module")
def files():
    return Client(f"{FILES}/", verbose=False)


def test_files_of_each_kind_are_described_and_the_report_downloads(files, tmp_path):
    (tmp_path / "table.csv").write_text("fruit,price\napple,1\npear,2\n")
    Image.new("RGB", (5, 4)).save(tmp_path / "dot.png")
    (tmp_path / "paper.pdf").write_bytes(MINIMAL_PDF)
    paths = [str(tmp_path / name) for name in ("table.csv", "dot.png", "paper.pdf")]
    summary, report = files.predict([handle_file(p) for p in paths], api_name="/describe_all")
    assert "**table.csv**: a table of 2 rows and 2 columns" in summary, summary
    assert "**dot.png**: an image of 5×4 pixels" in summary, summary
    assert "**paper.pdf**: a PDF document" in summary, summary
    rows = open(report).read().splitlines()
    assert rows[0] == "name,type,bytes,holds" and rows[1].startswith('"table.csv","text/csv",27,'), rows


def test_a_file_whose_content_is_not_an_allowed_kind_is_refused_whatever_its_name(files, tmp_path):
    fake = tmp_path / "photo.png"
    fake.write_bytes(bytes([0x93, 0xFF, 0x00, 0x81]) * 16)
    with pytest.raises((AppError, ValidationError), match=r'"photo.png" is application/octet-stream, not one of the kinds of file this input takes: image, text, .pdf'):
        files.predict([handle_file(str(fake))], api_name="/describe_all")


def call(data):
    url = f"{FILES}/gradio_api/call/describe_all"
    response = httpx.post(url, json={"data": data})
    if response.status_code != 200:
        return response.status_code, response.text
    return 200, httpx.get(f"{url}/{response.json()['event_id']}", timeout=30).text


def test_a_list_past_the_upload_limit_or_of_files_not_held_is_refused_in_words():
    [path] = httpx.post(f"{ORIGIN}/files/gradio_api/upload", files=[("files", ("a.txt", b"a"))]).json()
    one = {"path": path, "meta": {"_type": "gradio.FileData"}}
    status, body = call([[one] * 33])
    assert "33 files were sent: at most 32 are taken" in body, (status, body)
    status, body = call([[{"path": "/etc/passwd", "meta": {"_type": "gradio.FileData"}}]])
    assert "the file is not one this server holds" in body, (status, body)
    status, body = call([[one, 3]])
    assert status == 422 and "expected a list of files, got JSON" in body, (status, body)
    status, body = call([[one] * 2])
    assert "event: complete" in body and "## 2 files" in body, body


def test_mcp_takes_files_as_data_urls_and_gives_the_report_as_a_text_resource():
    csv = "data:text/csv;base64," + base64.b64encode(b"x,y\n1,2\n").decode()
    out = io.BytesIO()
    Image.new("RGB", (2, 3)).save(out, format="PNG")
    png = base64.b64encode(out.getvalue()).decode()
    result = with_session(lambda s: s.call_tool("files", {"files": [csv, png]}))
    assert not result.is_error, result
    summary, report = result.content
    assert "a table of 1 row and 2 columns" in summary.text and "an image of 2×3 pixels" in summary.text, summary
    assert report.type == "resource" and report.resource.mime_type == "text/csv", report
    assert report.resource.text.splitlines()[0] == "name,type,bytes,holds"
