//! Deterministic data generation: a seeded hash, name pools and time formatting.
//!
//! Records are never stored. Every attribute of record `i` of a table is a pure function of
//! (seed, table tag, i, field tag), so a service can render any page in O(page) and a million-row
//! table costs no memory. Aggregates that need a whole-table pass (counts per parent) are computed
//! once at start-up by the service modules.

/// splitmix64's finaliser: a fast, well-mixed 64-bit permutation (no `rand` crate needed).
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seeded generator every service draws from.
#[derive(Clone, Copy, Debug)]
pub struct Gen {
    seed: u64,
}

impl Gen {
    pub fn new(seed: u64) -> Self {
        Gen { seed }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The raw hash of one field of one record.
    pub fn h(&self, table: u64, i: usize, field: u64) -> u64 {
        mix(mix(mix(self.seed ^ table.rotate_left(40)) ^ i as u64) ^ field)
    }

    /// A value in `lo..=hi`.
    pub fn range(&self, table: u64, i: usize, field: u64, lo: u64, hi: u64) -> u64 {
        lo + self.h(table, i, field) % (hi - lo + 1)
    }

    /// True with probability `pct`/100.
    pub fn chance(&self, table: u64, i: usize, field: u64, pct: u64) -> bool {
        self.h(table, i, field) % 100 < pct
    }

    pub fn pick<T: Copy>(&self, table: u64, i: usize, field: u64, pool: &[T]) -> T {
        pool[(self.h(table, i, field) % pool.len() as u64) as usize]
    }

    /// An index into a table of `n` rows, or None when that table is empty.
    pub fn index(&self, table: u64, i: usize, field: u64, n: usize) -> Option<usize> {
        (n > 0).then(|| (self.h(table, i, field) % n as u64) as usize)
    }

    /// `len` lowercase hex digits (24 for Help Scout Docs and Talkdesk ids, 32 for keys).
    pub fn hex(&self, table: u64, i: usize, field: u64, len: usize) -> String {
        let mut out = String::with_capacity(len);
        let mut k = 0u64;
        while out.len() < len {
            out.push_str(&format!("{:016x}", self.h(table, i, field ^ (k << 56))));
            k += 1;
        }
        out.truncate(len);
        out
    }

    /// A timestamp (Unix seconds) in the data's time range, 2023-01-01 .. 2025-06-30.
    pub fn time(&self, table: u64, i: usize, field: u64) -> i64 {
        DATA_START + (self.h(table, i, field) % (DATA_END - DATA_START) as u64) as i64
    }
}

/// 2023-01-01T00:00:00Z.
pub const DATA_START: i64 = 1_672_531_200;
/// 2025-06-30T00:00:00Z.
pub const DATA_END: i64 = 1_751_241_600;

/// Given names; some non-ASCII so the driver's UTF-8/UTF-16 paths are exercised.
pub const FIRST_NAMES: &[&str] = &[
    "Anna", "José", "Zoë", "Łukasz", "Søren", "Mia", "Jürgen", "Chloé", "Mateo", "Aiko", "Olivia",
    "Noah", "Liam", "Emma", "Björn", "Renée", "Ömer", "Élodie", "Ivan", "Sofia", "Ravi", "Mei",
    "Kwame", "Ingrid", "Pedro", "Fatima", "Hannah", "Lars", "Niamh", "Dmitri", "Yuki", "Grace",
];

/// Family names; one with an apostrophe so SQL literal escaping is exercised.
pub const LAST_NAMES: &[&str] = &[
    "Smith",
    "Müller",
    "García",
    "Nguyễn",
    "O'Brien",
    "Kowalski",
    "Østergaard",
    "Dubois",
    "Rossi",
    "Tanaka",
    "Jensen",
    "Peña",
    "Schröder",
    "Ivanov",
    "Brown",
    "Silva",
    "van der Berg",
    "Åberg",
    "Kim",
    "Novák",
    "Çelik",
    "Murphy",
    "Lefèvre",
    "Papadopoulos",
    "Virtanen",
    "Wójcik",
];

const COMPANY_A: &[&str] = &[
    "Acme",
    "Nordlys",
    "Globex",
    "Café Lumière",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Tyrell",
    "Soylent",
    "Hooli",
    "Zürich Data",
    "Kōbe Steel",
    "Vandelay",
    "Aurora",
    "Bluth",
];
const COMPANY_B: &[&str] = &[
    "Industries",
    "Labs",
    "Partners",
    "Systems",
    "Logistics",
    "Foods",
    "Consulting",
    "Media",
];
const COMPANY_C: &[&str] = &["GmbH", "Ltd", "Inc.", "Oy", "AB", "S.A.", "LLC", "BV"];

pub const CITIES: &[&str] = &[
    "Helsinki",
    "Berlin",
    "São Paulo",
    "Kraków",
    "Zürich",
    "Lisbon",
    "Tokyo",
    "Austin",
    "Dublin",
    "Malmö",
    "Montréal",
    "Reykjavík",
];

pub const STREETS: &[&str] = &[
    "Main Street",
    "Mannerheimintie",
    "Hauptstraße",
    "Rua Augusta",
    "Kungsgatan",
    "Rue de Rivoli",
];

const DOMAINS: &[&str] = &["example.com", "example.org", "mail.example.net"];

/// A company name such as "Nordlys Labs Oy".
pub fn company_name(g: &Gen, table: u64, i: usize) -> String {
    format!(
        "{} {} {}",
        g.pick(table, i, 901, COMPANY_A),
        g.pick(table, i, 902, COMPANY_B),
        g.pick(table, i, 903, COMPANY_C)
    )
}

/// A unique e-mail address: the index keeps equality filters meaningful.
pub fn email(g: &Gen, table: u64, i: usize, k: usize, first: &str, last: &str) -> String {
    let tag = if k == 0 {
        String::new()
    } else {
        format!("+{k}")
    };
    format!(
        "{}.{}{}{}@{}",
        ascii_slug(first),
        ascii_slug(last),
        i + 1,
        tag,
        g.pick(table, i, 904 + k as u64, DOMAINS)
    )
}

/// A phone number in E.164 form.
pub fn phone(g: &Gen, table: u64, i: usize, k: usize) -> String {
    let cc = g.pick(
        table,
        i,
        910 + k as u64,
        &["1", "49", "358", "351", "44", "46"],
    );
    format!("+{cc}{:09}", g.h(table, i, 920 + k as u64) % 1_000_000_000)
}

/// Lowercase ASCII for e-mail local parts and slugs.
pub fn ascii_slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        let mapped: &str = match c {
            'a'..='z' | '0'..='9' => {
                out.push(c);
                continue;
            }
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
            'æ' => "ae",
            'ç' => "c",
            'è' | 'é' | 'ê' | 'ë' | 'ễ' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ł' => "l",
            'ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => "o",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'ý' | 'ÿ' => "y",
            'ß' => "ss",
            ' ' | '-' => "-",
            _ => "",
        };
        out.push_str(mapped);
    }
    out
}

/// Days since 1970-01-01 → (year, month, day); Howard Hinnant's civil_from_days.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) → days since 1970-01-01; the inverse of `civil_from_days`.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn parts(ts: i64) -> (i64, u32, u32, i64, i64, i64) {
    let (y, m, d) = civil_from_days(ts.div_euclid(86_400));
    let s = ts.rem_euclid(86_400);
    (y, m, d, s / 3600, s / 60 % 60, s % 60)
}

/// Pipedrive v1 and LeadDesk style: `YYYY-MM-DD HH:MM:SS` (UTC).
pub fn fmt_space(ts: i64) -> String {
    let (y, mo, d, h, mi, s) = parts(ts);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
}

/// RFC 3339 in UTC with a `Z`.
pub fn fmt_iso(ts: i64) -> String {
    let (y, mo, d, h, mi, s) = parts(ts);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// RFC 3339 with milliseconds, as Keap v1 writes its dates.
pub fn fmt_iso_ms(ts: i64) -> String {
    let (y, mo, d, h, mi, s) = parts(ts);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.000Z")
}

pub fn fmt_date(ts: i64) -> String {
    let (y, mo, d, ..) = parts(ts);
    format!("{y:04}-{mo:02}-{d:02}")
}

/// Parses `YYYY-MM-DD`, `YYYY-MM-DD[T ]HH:MM[:SS][.fff][Z|±HH:MM]`; no offset means UTC.
pub fn parse_datetime(s: &str) -> Option<i64> {
    let s = s.trim();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if part.bytes().all(|b| b.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if s.get(4..5)? != "-"
        || s.get(7..8)? != "-"
        || !(1..=12).contains(&mo)
        || !(1..=31).contains(&d)
    {
        return None;
    }
    let day = days_from_civil(y, mo as u32, d as u32) * 86_400;
    if s.len() == 10 {
        return Some(day);
    }
    if !matches!(s.get(10..11)?, "T" | "t" | " ") {
        return None;
    }
    let (h, mi) = (num(11..13)?, num(14..16)?);
    let mut pos = 16;
    let mut sec = 0;
    if s.get(16..17) == Some(":") {
        sec = num(17..19)?;
        pos = 19;
    }
    if s.get(pos..pos + 1) == Some(".") {
        pos += 1;
        while s.as_bytes().get(pos).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
    }
    let offset = match s.get(pos..)? {
        "" | "Z" | "z" => 0,
        rest => {
            let sign = match rest.get(0..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let digits: String = rest[1..].chars().filter(|c| *c != ':').collect();
            if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let hh: i64 = digits[0..2].parse().ok()?;
            let mm: i64 = digits[2..4].parse().ok()?;
            sign * (hh * 3600 + mm * 60)
        }
    };
    if h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    Some(day + h * 3600 + mi * 60 + sec - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_round_trips() {
        assert_eq!(fmt_iso(DATA_START), "2023-01-01T00:00:00Z");
        assert_eq!(fmt_space(DATA_END), "2025-06-30 00:00:00");
        for ts in [0, DATA_START + 12_345, DATA_END - 1, 951_782_400] {
            assert_eq!(parse_datetime(&fmt_iso(ts)), Some(ts));
            assert_eq!(parse_datetime(&fmt_space(ts)), Some(ts));
            assert_eq!(parse_datetime(&fmt_iso_ms(ts)), Some(ts));
        }
        assert_eq!(
            parse_datetime("2025-06-01T02:00:00+02:00"),
            parse_datetime("2025-06-01")
        );
        assert_eq!(parse_datetime("2025-13-01"), None);
    }

    #[test]
    fn generation_is_deterministic_and_seeded() {
        let (a, b) = (Gen::new(1), Gen::new(2));
        assert_eq!(a.h(1, 5, 3), Gen::new(1).h(1, 5, 3));
        assert_ne!(a.h(1, 5, 3), b.h(1, 5, 3));
        assert_eq!(a.hex(7, 1, 2, 24).len(), 24);
        assert_eq!(ascii_slug("Nguyễn Østergaard"), "nguyen-ostergaard");
    }
}
