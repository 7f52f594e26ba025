//! `cargo xtask modules`: which modules of the driver use which, read from the `crate::`,
//! `super::` and `self::` paths of `src/` (non-test code), and every cycle. It looks at two
//! levels: the top-level modules (`api`, `handles`, …) and, inside each folder, the folder's own
//! children (`handles::statement` and `handles::descriptor`, with `(mod)` standing for what
//! `mod.rs` itself defines). A cycle at either level fails the command, so a layer that starts
//! reaching back up is caught by `cargo xtask test`. It reads text, not the compiler's view: a
//! surprising edge is shown with the line it comes from.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cmd;

/// A module path: `["handles", "convert", "cell"]`.
type ModPath = Vec<String>;

/// One reference found in the source: from a file's module to an absolute path, and where.
struct Reference {
    from: ModPath,
    to: ModPath,
    at: String,
}

/// The graph of one level: edges with the first line that makes each.
#[derive(Default)]
struct Graph {
    edges: BTreeMap<(String, String), String>,
}

impl Graph {
    fn add(&mut self, a: &str, b: &str, at: &str) {
        if a != b {
            self.edges
                .entry((a.to_string(), b.to_string()))
                .or_insert_with(|| at.to_string());
        }
    }

    fn nodes(&self) -> BTreeSet<String> {
        self.edges
            .keys()
            .flat_map(|(a, b)| [a.clone(), b.clone()])
            .collect()
    }

    /// Strongly connected components with more than one node (Tarjan).
    fn cycles(&self) -> Vec<Vec<String>> {
        let nodes: Vec<String> = self.nodes().into_iter().collect();
        let index_of = |n: &str| nodes.iter().position(|m| m == n).unwrap_or(0);
        let mut adj = vec![Vec::new(); nodes.len()];
        for (a, b) in self.edges.keys() {
            adj[index_of(a)].push(index_of(b));
        }
        let mut state = Tarjan {
            index: vec![None; nodes.len()],
            low: vec![0; nodes.len()],
            on_stack: vec![false; nodes.len()],
            stack: Vec::new(),
            next: 0,
            sccs: Vec::new(),
        };
        for v in 0..nodes.len() {
            if state.index[v].is_none() {
                state.visit(v, &adj);
            }
        }
        state
            .sccs
            .into_iter()
            .filter(|c| c.len() > 1)
            .map(|c| {
                let mut names: Vec<String> = c.into_iter().map(|i| nodes[i].clone()).collect();
                names.sort();
                names
            })
            .collect()
    }
}

struct Tarjan {
    index: Vec<Option<usize>>,
    low: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
    next: usize,
    sccs: Vec<Vec<usize>>,
}

impl Tarjan {
    fn visit(&mut self, v: usize, adj: &[Vec<usize>]) {
        self.index[v] = Some(self.next);
        self.low[v] = self.next;
        self.next += 1;
        self.stack.push(v);
        self.on_stack[v] = true;
        for &w in &adj[v] {
            match self.index[w] {
                None => {
                    self.visit(w, adj);
                    self.low[v] = self.low[v].min(self.low[w]);
                }
                Some(i) if self.on_stack[w] => self.low[v] = self.low[v].min(i),
                Some(_) => {}
            }
        }
        if Some(self.low[v]) == self.index[v] {
            let mut scc = Vec::new();
            while let Some(w) = self.stack.pop() {
                self.on_stack[w] = false;
                scc.push(w);
                if w == v {
                    break;
                }
            }
            self.sccs.push(scc);
        }
    }
}

/// The module path of a source file: `src/handles/mod.rs` → `handles`.
fn module_of(src: &Path, file: &Path) -> ModPath {
    let rel = file.strip_prefix(src).unwrap_or(file);
    let mut parts: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs").to_string();
        if stem != "mod" && stem != "lib" {
            parts.push(stem);
        }
    }
    parts
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The paths a line names through `crate::`, `super::` or `self::`, brace groups expanded one
/// level (`use super::{a, b::c}` names `super::a` and `super::b`).
fn paths_in(line: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let starts_word = i == 0 || !is_ident_char(chars[i - 1]);
        let rest: String = chars[i..].iter().take(8).collect();
        let head = ["crate::", "super::", "self::"]
            .into_iter()
            .find(|h| rest.starts_with(h));
        let Some(head) = head.filter(|_| starts_word) else {
            i += 1;
            continue;
        };
        let mut segs = vec![head.trim_end_matches("::").to_string()];
        let mut j = i + head.len();
        loop {
            if chars.get(j) == Some(&'{') {
                let close = matching_brace(&chars, j);
                let inner: String = chars[j + 1..close.unwrap_or(chars.len())].iter().collect();
                for item in top_level_items(&inner) {
                    let first: String = item
                        .trim()
                        .chars()
                        .take_while(|c| is_ident_char(*c))
                        .collect();
                    if !first.is_empty() {
                        let mut p = segs.clone();
                        p.push(first);
                        out.push(p);
                    }
                }
                j = close.map_or(chars.len(), |c| c + 1);
                segs.clear();
                break;
            }
            let ident: String = chars[j..]
                .iter()
                .take_while(|c| is_ident_char(**c))
                .collect();
            if ident.is_empty() {
                break;
            }
            j += ident.chars().count();
            segs.push(ident);
            if chars.get(j) == Some(&':') && chars.get(j + 1) == Some(&':') {
                j += 2;
            } else {
                break;
            }
        }
        if segs.len() > 1 {
            out.push(segs);
        }
        i = j.max(i + 1);
    }
    out
}

/// The index of the `}` closing the `{` at `open`.
fn matching_brace(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in chars.iter().enumerate().skip(open) {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The comma-separated items of a brace group, nested groups kept whole (`a::{b, c}, d`).
fn top_level_items(inner: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
}

/// The file's code as (first line number, text) items: `use` declarations spread over several
/// lines are joined into one, comments are dropped, and a `#[cfg(test)]` item is left out (an
/// inline test module ends the file's code, as is the convention here).
fn code_items(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate().peekable();
    while let Some((n, line)) = lines.next() {
        let t = line.trim_start();
        if t.starts_with("//") {
            continue;
        }
        if t.starts_with("#[cfg(test)]") {
            match lines.peek().map(|(_, next)| next.trim()) {
                // `mod tests;`: only that declaration is the tests'.
                Some(next) if next.starts_with("mod ") && next.ends_with(';') => {
                    lines.next();
                    continue;
                }
                _ => break,
            }
        }
        let is_use = ["use ", "pub use ", "pub(crate) use ", "pub(super) use "]
            .iter()
            .any(|p| t.starts_with(p));
        let mut item = line.to_string();
        if is_use {
            while !item.contains(';') {
                let Some((_, more)) = lines.next() else {
                    break;
                };
                item.push(' ');
                item.push_str(more.trim());
            }
        }
        out.push((n, item));
    }
    out
}

/// An absolute module path for `path` as written in the module `here` (a file's module; for a
/// `mod.rs`, the folder's, so `super` is one step up in both cases).
fn resolve(here: &ModPath, path: &[String]) -> Option<ModPath> {
    let mut base: ModPath = match path.first().map(String::as_str) {
        Some("crate") => Vec::new(),
        Some("self") => here.clone(),
        Some("super") => {
            let mut b = here.clone();
            b.pop()?;
            b
        }
        _ => return None,
    };
    for seg in &path[1..] {
        if seg == "super" {
            base.pop()?;
        } else {
            base.push(seg.clone());
        }
    }
    Some(base)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn references(src: &Path) -> Vec<Reference> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut out = Vec::new();
    for file in files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name == "tests.rs" || name.ends_with("_tests.rs") {
            continue;
        }
        let here = module_of(src, &file);
        let Ok(text) = fs::read_to_string(&file) else {
            continue;
        };
        let shown = file
            .strip_prefix(cmd::repo_root())
            .unwrap_or(&file)
            .display()
            .to_string();
        for (n, line) in code_items(&text) {
            for path in paths_in(&line) {
                if let Some(to) = resolve(&here, &path) {
                    out.push(Reference {
                        from: here.clone(),
                        to,
                        at: format!("{shown}:{}", n + 1),
                    });
                }
            }
        }
    }
    out
}

/// The child modules of the folder `dir` (files and subfolders), by name.
fn children(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            out.insert(name);
        } else if let Some(stem) = name.strip_suffix(".rs") {
            if stem != "mod" && stem != "lib" && stem != "main" {
                out.insert(stem.to_string());
            }
        }
    }
    out
}

/// The graph among the children of the module `parent` (the folder `dir`).
fn level(refs: &[Reference], parent: &ModPath, dir: &Path) -> Graph {
    let kids = children(dir);
    let depth = parent.len();
    let node = |path: &ModPath| -> Option<String> {
        if path.len() < depth || path[..depth] != parent[..] {
            return None;
        }
        match path.get(depth) {
            Some(child) if kids.contains(child) => Some(child.clone()),
            // The crate root defines no items of its own; an unmatched path there is an inline
            // module's `super` (error.rs's `state`), not an edge.
            _ if depth == 0 => None,
            _ => Some("(mod)".to_string()),
        }
    };
    let mut g = Graph::default();
    for r in refs {
        if let (Some(a), Some(b)) = (node(&r.from), node(&r.to)) {
            g.add(&a, &b, &r.at);
        }
    }
    g
}

/// One level's edges and cycles as text, and whether it has no cycle.
fn describe(title: &str, g: &Graph) -> (String, bool) {
    use std::fmt::Write;
    let mut text = format!("{title}\n");
    let mut outgoing: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (a, b) in g.edges.keys() {
        outgoing.entry(a).or_default().push(b);
    }
    for (a, bs) in &outgoing {
        let _ = writeln!(text, "  {a} -> {}", bs.join(", "));
    }
    let cycles = g.cycles();
    for cycle in &cycles {
        let _ = writeln!(text, "  cycle: {}", cycle.join(" <-> "));
        for ((a, b), at) in &g.edges {
            if cycle.contains(a) && cycle.contains(b) {
                let _ = writeln!(text, "    {a} -> {b}  first at {at}");
            }
        }
    }
    (text, cycles.is_empty())
}

/// Folders below `src` (as module paths), depth first.
fn folders(src: &Path, dir: &Path, out: &mut Vec<(ModPath, PathBuf)>) {
    let mut subdirs: Vec<PathBuf> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    subdirs.sort();
    for sub in subdirs {
        let m: ModPath = sub
            .strip_prefix(src)
            .unwrap_or(&sub)
            .iter()
            .map(|c| c.to_string_lossy().into_owned())
            .collect();
        out.push((m, sub.clone()));
        folders(src, &sub, out);
    }
}

pub fn run(args: &[String]) -> ExitCode {
    if !args.is_empty() {
        eprintln!("usage: cargo xtask modules   (prints the module graph of src/ and its cycles)");
        return ExitCode::from(2);
    }
    let (clean, levels) = check();
    for level in levels {
        print!("{level}");
    }
    if clean {
        println!("no cycles");
        ExitCode::SUCCESS
    } else {
        println!("cycles found: a module above must not be used by one below it");
        ExitCode::FAILURE
    }
}

/// The module graph of `src/`, level by level as text, and whether no level has a cycle.
pub fn check() -> (bool, Vec<String>) {
    let src = cmd::repo_root().join("src");
    let refs = references(&src);
    let mut clean = true;
    let mut out = Vec::new();
    let mut report = |title: &str, g: &Graph| {
        let (text, acyclic) = describe(title, g);
        clean &= acyclic;
        out.push(text);
    };
    report("top-level modules:", &level(&refs, &Vec::new(), &src));
    let mut dirs = Vec::new();
    folders(&src, &src, &mut dirs);
    for (module, dir) in dirs {
        let g = level(&refs, &module, &dir);
        if !g.edges.is_empty() {
            report(&format!("inside {}:", module.join("::")), &g);
        }
    }
    (clean, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_brace_groups() {
        assert_eq!(
            paths_in("use super::{lock, params::read, Handle};"),
            vec![
                vec!["super".to_string(), "lock".into()],
                vec!["super".into(), "params".into()],
                vec!["super".into(), "Handle".into()],
            ]
        );
        assert_eq!(
            paths_in("let x = crate::runtime::wait(f); mysuper::x"),
            vec![vec!["crate".to_string(), "runtime".into(), "wait".into()]]
        );
        let here: ModPath = vec!["handles".into(), "statement".into()];
        assert_eq!(
            resolve(&here, &["super".into(), "lock".into()]),
            Some(vec!["handles".into(), "lock".into()])
        );
        let folder: ModPath = vec!["handles".into()];
        assert_eq!(
            resolve(&folder, &["super".into(), "api".into()]),
            Some(vec!["api".into()])
        );
    }

    #[test]
    fn a_cycle_is_found() {
        let mut g = Graph::default();
        g.add("a", "b", "x:1");
        g.add("b", "c", "x:2");
        g.add("c", "a", "x:3");
        g.add("c", "d", "x:4");
        assert_eq!(
            g.cycles(),
            vec![vec!["a".to_string(), "b".into(), "c".into()]]
        );
    }
}
