//! Hasiru Mitra's compiled line-protocol tokenizer.
//!
//! `tokenize_lp` takes the cleaned text of one sensor file (UTF-8, LF line ends) and splits its plain
//! lines into Arrow text columns in one pass over the bytes, on every core. A plain line is one the
//! Python parser (`ingestion/parsers/line_protocol.parse_line`) would read to exactly the same text:
//! `measurement,tag=v,... field=v,... <integer timestamp>` with known keys, each at most once, no escapes,
//! no quotes, no boolean or empty field values. Every other content line is returned by index for
//! that parser, which either reads it or says why it is rejected: the rules and the reasons stay in
//! one place (Python); this module only does the common case fast.
//!
//! `text_ok` answers, in one pass, whether a file needs no per-line cleaning: valid UTF-8, no NUL or
//! CR byte, no line longer than the limit (`ingestion/decode.clean`).

use memchr::{memchr, memchr2, memchr_iter};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};

/// One Arrow utf8 column being built: offsets, bytes, validity bits.
struct TextColumn {
    offsets: Vec<i32>,
    data: Vec<u8>,
    valid: Vec<u8>,
    nulls: usize,
    len: usize,
}

impl TextColumn {
    fn new(rows: usize, bytes: usize) -> Self {
        let mut offsets = Vec::with_capacity(rows + 1);
        offsets.push(0);
        TextColumn { offsets, data: Vec::with_capacity(bytes), valid: Vec::with_capacity(rows / 8 + 1), nulls: 0, len: 0 }
    }

    fn push(&mut self, value: Option<&[u8]>) {
        if self.len % 8 == 0 {
            self.valid.push(0);
        }
        match value {
            Some(v) => {
                self.data.extend_from_slice(v);
                *self.valid.last_mut().unwrap() |= 1 << (self.len % 8);
            }
            None => self.nulls += 1,
        }
        self.offsets.push(self.data.len() as i32);
        self.len += 1;
    }
}

struct Keys {
    measurements: Vec<Vec<u8>>,
    tags: Vec<Vec<u8>>,
    fields: Vec<Vec<u8>>,
}

/// The tokens of one piece of the file (line indexes and byte spans are local to the piece).
struct Chunk {
    starts: Vec<i64>,
    ends: Vec<i64>,
    content: usize,
    fast: Vec<i64>,
    slow: Vec<i64>,
    columns: Vec<TextColumn>, // measurement, ts, tags..., fields...
}

fn index_of(keys: &[Vec<u8>], key: &[u8]) -> Option<usize> {
    keys.iter().position(|k| k.as_slice() == key)
}

fn is_boolean(v: &[u8]) -> bool {
    [b"t".as_slice(), b"f", b"true", b"false"].iter().any(|b| v.eq_ignore_ascii_case(b))
}

/// The values of a plain line (measurement, ts, tags, fields), or None when the line needs the full parser.
fn plain<'a>(line: &'a [u8], keys: &Keys, values: &mut Vec<Option<&'a [u8]>>) -> bool {
    values.iter_mut().for_each(|v| *v = None);
    if memchr2(b'\\', b'"', line).is_some() {
        return false;
    }
    let mut spaces = memchr_iter(b' ', line);
    let (p1, p2) = match (spaces.next(), spaces.next(), spaces.next()) {
        (Some(a), Some(b), None) => (a, b),
        _ => return false,
    };
    if p1 == 0 || p2 == p1 + 1 || p2 + 1 == line.len() {
        return false;
    }
    let ts = &line[p2 + 1..];
    let digits = if ts[0] == b'-' { &ts[1..] } else { ts };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut series = line[..p1].split(|&c| c == b',');
    let measurement = series.next().unwrap_or(b"");
    if index_of(&keys.measurements, measurement).is_none() {
        return false;
    }
    values[0] = Some(measurement);
    values[1] = Some(ts);
    let nt = keys.tags.len();
    for kv in series {
        let Some(eq) = kv.iter().position(|&c| c == b'=') else { return false };
        let Some(k) = index_of(&keys.tags, &kv[..eq]) else { return false };
        if values[2 + k].is_some() {
            return false; // the same tag twice: the full parser decides
        }
        values[2 + k] = Some(&kv[eq + 1..]);
    }
    for kv in line[p1 + 1..p2].split(|&c| c == b',') {
        let Some(eq) = kv.iter().position(|&c| c == b'=') else { return false };
        let Some(k) = index_of(&keys.fields, &kv[..eq]) else { return false };
        let mut v = &kv[eq + 1..];
        if v.is_empty() || is_boolean(v) || values[2 + nt + k].is_some() {
            return false;
        }
        if matches!(v.last(), Some(b'i') | Some(b'u')) {
            v = &v[..v.len() - 1];
        }
        values[2 + nt + k] = Some(v);
    }
    true
}

fn tokenize_chunk(data: &[u8], keys: &Keys) -> Chunk {
    let width = 2 + keys.tags.len() + keys.fields.len();
    let guess = memchr_iter(b'\n', data).count() + 1;
    let mut chunk = Chunk {
        starts: Vec::with_capacity(guess),
        ends: Vec::with_capacity(guess),
        content: 0,
        fast: Vec::with_capacity(guess),
        slow: Vec::new(),
        columns: (0..width).map(|_| TextColumn::new(guess, data.len() / width + 16)).collect(),
    };
    let mut values: Vec<Option<&[u8]>> = vec![None; width];
    let mut start = 0usize;
    let mut line_no = 0i64;
    while start < data.len() {
        let end = memchr(b'\n', &data[start..]).map_or(data.len(), |p| start + p);
        let line = &data[start..end];
        chunk.starts.push(start as i64);
        chunk.ends.push(end as i64);
        let blank = line.iter().all(|&c| c == b' ' || c == b'\t');
        if !blank && line[0] != b'#' {
            chunk.content += 1;
            if plain(line, keys, &mut values) {
                chunk.fast.push(line_no);
                for (col, v) in chunk.columns.iter_mut().zip(values.iter()) {
                    col.push(*v);
                }
            } else {
                chunk.slow.push(line_no);
            }
        }
        line_no += 1;
        start = end + 1;
    }
    chunk
}

/// Split `data` into about `parts` pieces at line ends.
fn pieces(data: &[u8], parts: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0usize;
    for i in 1..=parts {
        if start >= data.len() {
            break;
        }
        let mut end = if i == parts { data.len() } else { (data.len() * i / parts).max(start) };
        if end < data.len() {
            end = memchr(b'\n', &data[end..]).map_or(data.len(), |p| end + p + 1);
        }
        out.push((start, end));
        start = end;
    }
    out
}

fn tokenize(data: &[u8], keys: &Keys, threads: usize) -> Vec<(usize, Chunk)> {
    let spans = pieces(data, threads.max(1));
    std::thread::scope(|s| {
        let handles: Vec<_> = spans.iter().map(|&(a, b)| s.spawn(move || (a, tokenize_chunk(&data[a..b], keys)))).collect();
        handles.into_iter().map(|h| h.join().expect("tokenizer thread panicked")).collect()
    })
}

fn raw<'py, T: Copy>(py: Python<'py>, v: &[T]) -> Bound<'py, PyBytes> {
    // plain integers, little-endian on every platform we build for: their bytes as they lie in memory
    let bytes = unsafe { std::slice::from_raw_parts(v.as_ptr() as *const u8, std::mem::size_of_val(v)) };
    PyBytes::new(py, bytes)
}

/// Tokenise the plain lines of a line-protocol file, in `threads` pieces split at line ends.
///
/// Returns one tuple per piece, in file order: (byte offset of the piece, starts, ends, content_lines,
/// fast, slow, columns). `starts`/`ends` are int64 buffers of every line's byte span within the piece,
/// `content_lines` the number of lines that are not blank or a comment, `fast` and `slow` int64 buffers of
/// the piece-local indexes of the tokenised lines and of the other content lines, and `columns` per column
/// (measurement, ts, tags..., fields...) a tuple (int32 offsets, bytes, validity bitmap, null count)
/// ready for `pyarrow.StringArray.from_buffers`.
#[pyfunction]
#[pyo3(signature = (data, measurements, tags, fields, threads=2))]
fn tokenize_lp<'py>(py: Python<'py>, data: &[u8], measurements: Vec<String>, tags: Vec<String>, fields: Vec<String>,
                    threads: usize) -> PyResult<Bound<'py, PyList>> {
    if data.len() >= i32::MAX as usize {
        return Err(pyo3::exceptions::PyValueError::new_err(format!(
            "line-protocol file of {} bytes: the tokenizer reads files under 2 GiB", data.len())));
    }
    let keys = Keys {
        measurements: measurements.into_iter().map(String::into_bytes).collect(),
        tags: tags.into_iter().map(String::into_bytes).collect(),
        fields: fields.into_iter().map(String::into_bytes).collect(),
    };
    let chunks = py.detach(|| tokenize(data, &keys, threads));
    let out = PyList::empty(py);
    for (offset, chunk) in &chunks {
        let columns = PyList::empty(py);
        for col in &chunk.columns {
            columns.append((raw(py, &col.offsets), PyBytes::new(py, &col.data), raw(py, &col.valid), col.nulls))?;
        }
        out.append((*offset, raw(py, &chunk.starts), raw(py, &chunk.ends), chunk.content, raw(py, &chunk.fast),
                    raw(py, &chunk.slow), columns))?;
    }
    Ok(out)
}

/// True when the text needs no per-line cleaning: valid UTF-8, no NUL or CR, no line over `max_line` bytes.
#[pyfunction]
fn text_ok(py: Python<'_>, data: &[u8], max_line: usize) -> bool {
    py.detach(|| {
        if memchr2(0, b'\r', data).is_some() {
            return false;
        }
        let mut last = 0usize;
        for nl in memchr_iter(b'\n', data).chain(std::iter::once(data.len())) {
            if nl - last > max_line {
                return false;
            }
            last = nl + 1;
        }
        std::str::from_utf8(data).is_ok()
    })
}

#[pymodule]
fn hasiru_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(tokenize_lp, m)?)?;
    m.add_function(wrap_pyfunction!(text_ok, m)?)?;
    Ok(())
}
