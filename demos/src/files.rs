//! `/files`: files in (images, text, PDFs: checked by content), each described (its kind, size, and what it holds: an image's size, a
//! table's rows and columns, a text's lines and words) and a CSV report of them out.

use rheo::{File, Interface, IntoMounted, Markdown, NamedFile};

/// `1 row`, `2 rows`.
fn counted(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// One file in words: what it is and what it holds.
fn describe(file: &NamedFile) -> String {
    let size = file.bytes.len();
    let holds = if file.mime_type.starts_with("image/") {
        // Its header's size, without decoding its pixels (whatever their number).
        let reader = rheo::image::ImageReader::new(std::io::Cursor::new(&file.bytes)).with_guessed_format();
        match reader.map(|reader| reader.into_dimensions()) {
            Ok(Ok((width, height))) => format!("an image of {width}×{height} pixels"),
            _ => "an image in a format this demo does not read".to_owned(),
        }
    } else if file.mime_type == "application/pdf" {
        "a PDF document".to_owned()
    } else if let Some(text) = file.text() {
        let lines = text.lines().count();
        match file.mime_type.as_str() {
            "text/csv" => {
                let columns = text.lines().next().map_or(0, |header| header.split(',').count());
                format!("a table of {} and {}", counted(lines.saturating_sub(1), "row"), counted(columns, "column"))
            }
            _ => format!("text of {} and {}", counted(lines, "line"), counted(text.split_whitespace().count(), "word")),
        }
    } else {
        "binary data".to_owned()
    };
    format!("{holds}, {size} bytes ({})", file.mime_type)
}

fn describe_all(files: Vec<NamedFile>) -> (String, NamedFile) {
    let mut summary = format!("## {} files\n\n", files.len());
    let mut report = String::from("name,type,bytes,holds\n");
    for file in &files {
        let described = describe(file);
        summary.push_str(&format!("- **{}**: {described}\n", file.name.replace('*', "\\*")));
        let quoted = |cell: &str| format!("\"{}\"", cell.replace('"', "\"\""));
        report.push_str(&format!(
            "{},{},{},{}\n",
            quoted(&file.name),
            quoted(&file.mime_type),
            file.bytes.len(),
            quoted(&described)
        ));
    }
    (summary, NamedFile::new("report.csv", report))
}

pub(crate) fn interface() -> impl IntoMounted {
    let fruit = NamedFile::new("fruit.csv", "fruit,colour,price\napple,red,0.5\nbanana,yellow,0.25\n");
    let poem = NamedFile::new("poem.txt", "So much depends\nupon\na red wheel\nbarrow\n");
    Interface::new(describe_all)
        .inputs(
            File::new()
                .multiple()
                .file_types(["image", "text", ".pdf"])
                .label("files")
                .info("Images, text files (CSV included) and PDFs, each checked by its content."),
        )
        .outputs((Markdown::new().label("description"), File::new().label("report")))
        .title("Describe files")
        .description("Upload images, text files or PDFs: each is described (an image's size, a table's rows and columns, a text's lines and words), with a CSV report of them all.")
        .examples([(vec![fruit, poem],)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_described_by_what_they_hold() {
        let png = {
            let mut bytes = Vec::new();
            let image = rheo::image::RgbImage::new(3, 2);
            image.write_to(&mut std::io::Cursor::new(&mut bytes), rheo::image::ImageFormat::Png).unwrap();
            NamedFile::new("dot.png", bytes)
        };
        let csv = NamedFile::new("t.csv", "a,b,c\n1,2,3\n4,5,6\n");
        let blob = NamedFile::new("w.bin", vec![0xff, 0x00, 0x93]);
        let (summary, report) = describe_all(vec![png, csv, blob]);
        assert!(summary.contains("**dot.png**: an image of 3×2 pixels"), "{summary}");
        assert!(summary.contains("**t.csv**: a table of 2 rows and 3 columns, 18 bytes (text/csv)"), "{summary}");
        assert!(summary.contains("**w.bin**: binary data, 3 bytes (application/octet-stream)"), "{summary}");
        assert_eq!(report.name, "report.csv");
        assert_eq!(report.mime_type, "text/csv");
        assert_eq!(report.text().unwrap().lines().count(), 4);
    }
}
