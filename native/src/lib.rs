//! Hasiru Mitra's compiled line-protocol tokenizer.
//!
//! `tokenize_lp` takes the cleaned text of one sensor file (UTF-8, LF line ends) and, in one pass over
//! the bytes on every core, turns its plain, valid lines into typed columns. A line is taken only when
//! the Python parser (`ingestion/parsers/line_protocol.py`: `parse_line`, then its typing and checks)
//! would accept it with exactly these values: `measurement,tag=v,... field=v,... <ns timestamp>` with
//! known keys, each at most once, no escapes or quotes, every field a plain decimal number (an `i`/`u`
//! suffix dropped, as that parser does) inside its physical range, the timestamp inside the accepted
//! window. Every other content line is returned by index for the Python parser, which reads it or
//! says why it is rejected: the rules' reasons stay in one place (Python); this module only does the
//! common case fast, and tests/test_parser_line_protocol.py holds both paths to the same output.
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

/// One float64 column being built: values and validity bits.
struct FloatColumn {
    values: Vec<f64>,
    valid: Vec<u8>,
    nulls: usize,
}

impl FloatColumn {
    fn new(rows: usize) -> Self {
        FloatColumn { values: Vec::with_capacity(rows), valid: Vec::with_capacity(rows / 8 + 1), nulls: 0 }
    }

    fn push(&mut self, value: Option<f64>) {
        let i = self.values.len();
        if i % 8 == 0 {
            self.valid.push(0);
        }
        match value {
            Some(v) => {
                self.values.push(v);
                *self.valid.last_mut().unwrap() |= 1 << (i % 8);
            }
            None => {
                self.values.push(0.0);
                self.nulls += 1;
            }
        }
    }
}

/// What a line must be to be taken here (the rest goes to the Python parser).
struct Rules {
    measurements: Vec<Vec<u8>>,
    tags: Vec<Vec<u8>>,
    fields: Vec<Vec<u8>>,
    ranges: Vec<(f64, f64)>, // per field: accepted when lo <= value <= hi
    ts_us: (i64, i64),       // accepted reading times, microseconds since 1970, both ends included
}

/// The columns of one piece of the file (line indexes and byte spans are local to the piece).
struct Chunk {
    starts: Vec<i64>,
    ends: Vec<i64>,
    content: usize,
    fast: Vec<i64>,
    slow: Vec<i64>,
    text: Vec<TextColumn>, // measurement, tags...
    ts_us: Vec<i64>,
    values: Vec<FloatColumn>, // fields...
}

fn index_of(keys: &[Vec<u8>], key: &[u8]) -> Option<usize> {
    keys.iter().position(|k| k.as_slice() == key)
}

const POW10: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/// A plain decimal (`-?[0-9]+(.[0-9]+)?`, at most 30 characters) as the nearest float64, as Arrow's cast
/// reads it; None for any other form (exponents, `+`, `.5`, `nan` ...), which the Python path types.
/// Up to 15 digits the digits are an exact integer and the power of ten exact, so one IEEE division
/// is the correctly rounded value; longer ones go through the standard library's parser.
fn decimal(v: &[u8]) -> Option<f64> {
    if v.is_empty() || v.len() > 30 {
        return None;
    }
    let negative = v[0] == b'-';
    let body = if negative { &v[1..] } else { v };
    let (mut mantissa, mut digits, mut int_digits, mut frac_digits, mut dot) = (0u64, 0usize, 0usize, 0usize, false);
    for &c in body {
        if c.is_ascii_digit() {
            mantissa = mantissa.wrapping_mul(10).wrapping_add((c - b'0') as u64);
            digits += 1;
            if dot { frac_digits += 1 } else { int_digits += 1 }
        } else if c == b'.' && !dot {
            dot = true;
        } else {
            return None;
        }
    }
    if int_digits == 0 || (dot && frac_digits == 0) {
        return None;
    }
    let x = if digits <= 15 {
        mantissa as f64 / POW10[frac_digits]
    } else {
        std::str::from_utf8(body).ok()?.parse::<f64>().ok()?
    };
    let x = if negative { -x } else { x };
    x.is_finite().then_some(x)
}

/// Nanoseconds since 1970 (digits only, no sign) as microseconds, when they fit an int64.
fn timestamp_us(ts: &[u8]) -> Option<i64> {
    if ts.is_empty() || ts.len() > 19 {
        return None;
    }
    let mut ns: i64 = 0;
    for &c in ts {
        if !c.is_ascii_digit() {
            return None;
        }
        ns = ns.checked_mul(10)?.checked_add((c - b'0') as i64)?;
    }
    Some(ns / 1000)
}

/// Fill `text` (measurement, tags), `ts` and `values` from a plain, valid line; false when the line
/// needs the Python parser.
fn plain<'a>(line: &'a [u8], rules: &Rules, text: &mut [Option<&'a [u8]>], ts: &mut i64, values: &mut [Option<f64>]) -> bool {
    text.iter_mut().for_each(|v| *v = None);
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
    match timestamp_us(&line[p2 + 1..]) {
        Some(us) if us >= rules.ts_us.0 && us <= rules.ts_us.1 => *ts = us,
        _ => return false,
    }
    let mut series = line[..p1].split(|&c| c == b',');
    let measurement = series.next().unwrap_or(b"");
    if index_of(&rules.measurements, measurement).is_none() {
        return false;
    }
    text[0] = Some(measurement);
    for kv in series {
        let Some(eq) = kv.iter().position(|&c| c == b'=') else { return false };
        let Some(k) = index_of(&rules.tags, &kv[..eq]) else { return false };
        if text[1 + k].is_some() {
            return false; // the same tag twice: the Python parser decides
        }
        text[1 + k] = Some(&kv[eq + 1..]);
    }
    for kv in line[p1 + 1..p2].split(|&c| c == b',') {
        let Some(eq) = kv.iter().position(|&c| c == b'=') else { return false };
        let Some(k) = index_of(&rules.fields, &kv[..eq]) else { return false };
        if values[k].is_some() {
            return false;
        }
        let mut v = &kv[eq + 1..];
        if matches!(v.last(), Some(b'i') | Some(b'u')) {
            v = &v[..v.len() - 1];
        }
        let (lo, hi) = rules.ranges[k];
        match decimal(v) {
            Some(x) if x >= lo && x <= hi => values[k] = Some(x),
            _ => return false,
        }
    }
    true
}

fn tokenize_chunk(data: &[u8], rules: &Rules) -> Chunk {
    let guess = memchr_iter(b'\n', data).count() + 1;
    let nt = 1 + rules.tags.len();
    let mut chunk = Chunk {
        starts: Vec::with_capacity(guess),
        ends: Vec::with_capacity(guess),
        content: 0,
        fast: Vec::with_capacity(guess),
        slow: Vec::new(),
        text: (0..nt).map(|_| TextColumn::new(guess, 12 * guess)).collect(),
        ts_us: Vec::with_capacity(guess),
        values: (0..rules.fields.len()).map(|_| FloatColumn::new(guess)).collect(),
    };
    let mut text: Vec<Option<&[u8]>> = vec![None; nt];
    let mut values: Vec<Option<f64>> = vec![None; rules.fields.len()];
    let mut ts = 0i64;
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
            if plain(line, rules, &mut text, &mut ts, &mut values) {
                chunk.fast.push(line_no);
                for (col, v) in chunk.text.iter_mut().zip(text.iter()) {
                    col.push(*v);
                }
                chunk.ts_us.push(ts);
                for (col, v) in chunk.values.iter_mut().zip(values.iter()) {
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

fn tokenize(data: &[u8], rules: &Rules, threads: usize) -> Vec<(usize, Chunk)> {
    let spans = pieces(data, threads.max(1));
    std::thread::scope(|s| {
        let handles: Vec<_> = spans.iter().map(|&(a, b)| s.spawn(move || (a, tokenize_chunk(&data[a..b], rules)))).collect();
        handles.into_iter().map(|h| h.join().expect("tokenizer thread panicked")).collect()
    })
}

fn raw<'py, T: Copy>(py: Python<'py>, v: &[T]) -> Bound<'py, PyBytes> {
    // plain numbers, little-endian on every platform we build for: their bytes as they lie in memory
    let bytes = unsafe { std::slice::from_raw_parts(v.as_ptr() as *const u8, std::mem::size_of_val(v)) };
    PyBytes::new(py, bytes)
}

/// Tokenise and type the plain, valid lines of a line-protocol file, in `threads` pieces split at line ends.
///
/// `ranges` holds each field's accepted (lo, hi); `ts_us` the accepted reading times (microseconds since
/// 1970, both ends included). Returns one tuple per piece, in file order: (byte offset of the piece,
/// starts, ends, content_lines, fast, slow, text, ts_us, values). `starts`/`ends` are int64 buffers of
/// every line's byte span within the piece, `content_lines` the number of lines that are not blank or a
/// comment, `fast` and `slow` int64 buffers of the piece-local indexes of the lines taken here and of
/// the other content lines; for the taken lines, `text` holds per text column (measurement, tags...)
/// (int32 offsets, bytes, validity bitmap, null count), `ts_us` an int64 buffer, and `values` per field
/// (float64 buffer, validity bitmap, null count): ready for `pyarrow.Array.from_buffers`.
#[pyfunction]
#[pyo3(signature = (data, measurements, tags, fields, ranges, ts_us, threads=2))]
#[allow(clippy::too_many_arguments)]
fn tokenize_lp<'py>(py: Python<'py>, data: &[u8], measurements: Vec<String>, tags: Vec<String>, fields: Vec<String>,
                    ranges: Vec<(f64, f64)>, ts_us: (i64, i64), threads: usize) -> PyResult<Bound<'py, PyList>> {
    if data.len() >= i32::MAX as usize {
        return Err(pyo3::exceptions::PyValueError::new_err(format!(
            "line-protocol file of {} bytes: the tokenizer reads files under 2 GiB", data.len())));
    }
    if ranges.len() != fields.len() {
        return Err(pyo3::exceptions::PyValueError::new_err(format!(
            "{} fields but {} ranges: give each field its (lo, hi)", fields.len(), ranges.len())));
    }
    let rules = Rules {
        measurements: measurements.into_iter().map(String::into_bytes).collect(),
        tags: tags.into_iter().map(String::into_bytes).collect(),
        fields: fields.into_iter().map(String::into_bytes).collect(),
        ranges,
        ts_us,
    };
    let chunks = py.detach(|| tokenize(data, &rules, threads));
    let out = PyList::empty(py);
    for (offset, chunk) in &chunks {
        let text = PyList::empty(py);
        for col in &chunk.text {
            text.append((raw(py, &col.offsets), PyBytes::new(py, &col.data), raw(py, &col.valid), col.nulls))?;
        }
        let values = PyList::empty(py);
        for col in &chunk.values {
            values.append((raw(py, &col.values), raw(py, &col.valid), col.nulls))?;
        }
        out.append((*offset, raw(py, &chunk.starts), raw(py, &chunk.ends), chunk.content, raw(py, &chunk.fast),
                    raw(py, &chunk.slow), text, raw(py, &chunk.ts_us), values))?;
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

/// Hashes that are already well mixed (ingestion/columns.duplicate_of) need no second hash function.
#[derive(Default)]
struct Premixed(u64);

impl std::hash::Hasher for Premixed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | b as u64;
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Indexes (int64 buffer, ascending) of the rows whose 64-bit row hash (a uint64 buffer) another row
/// shares: the only rows that can be exact repeats. One hash table, no sort.
#[pyfunction]
fn shared_hashes<'py>(py: Python<'py>, hashes: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
    if hashes.len() % 8 != 0 {
        return Err(pyo3::exceptions::PyValueError::new_err("row hashes: a uint64 buffer, a multiple of 8 bytes"));
    }
    let shared: Vec<i64> = py.detach(|| {
        let h: Vec<u64> = hashes.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().unwrap())).collect();
        let mut first: std::collections::HashMap<u64, u32, std::hash::BuildHasherDefault<Premixed>> =
            std::collections::HashMap::with_capacity_and_hasher(h.len(), Default::default());
        let mut seen_twice = vec![false; h.len()];
        for (i, &x) in h.iter().enumerate() {
            match first.entry(x) {
                std::collections::hash_map::Entry::Occupied(e) => {
                    seen_twice[*e.get() as usize] = true;
                    seen_twice[i] = true;
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(i as u32);
                }
            }
        }
        seen_twice.iter().enumerate().filter(|(_, &d)| d).map(|(i, _)| i as i64).collect()
    });
    Ok(raw(py, &shared))
}

#[pymodule]
fn hasiru_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(tokenize_lp, m)?)?;
    m.add_function(wrap_pyfunction!(text_ok, m)?)?;
    m.add_function(wrap_pyfunction!(shared_hashes, m)?)?;
    Ok(())
}
