//! The rule one account's budget follows, as a plain value with the clock passed in, so it can be
//! tested without sleeping and stored as JSON between processes. It decides whether a request may
//! leave now and learns from what the API's headers say; it knows no HTTP, file or lock.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

/// The longest window learned from a reset header (Help Scout Docs resets every 10 minutes).
const MAX_WINDOW_MS: u64 = 3_600_000;
/// The largest limit believed (a header may say anything); also bounds the send times kept.
const MAX_LIMIT: u32 = 10_000;
/// How long the first request of an account may stay unanswered before another may go.
const PROBE_MS: u64 = 10_000;
/// While a first request learns the limit, how often the others look again.
const PROBE_POLL_MS: u64 = 20;

/// What one response's headers (or a 429) said about the budget.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Observation {
    /// Requests allowed per window (`x-ratelimit-limit`).
    pub limit: Option<u32>,
    /// Requests left in the current window.
    pub remaining: Option<u32>,
    /// Milliseconds until the window resets.
    pub reset_ms: Option<u64>,
    /// A 429 (or a spent budget) asks for no request before this many milliseconds.
    pub hold_ms: Option<u64>,
}

/// Whether a request may go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Go,
    /// Ask again after this many milliseconds; `spent` when the window's budget is used up (as
    /// opposed to waiting for another request to learn the limit).
    Wait {
        ms: u64,
        spent: bool,
    },
}

/// One account's budget as every process sees it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Budget {
    /// Requests per window, as the API last said.
    pub limit: Option<u32>,
    /// The window's length: the profile's, else the longest reset the API announced (never a
    /// 429's wait).
    pub window_ms: Option<u64>,
    /// The first answer carried no limit header: stop holding requests back to learn it.
    pub limit_absent: bool,
    /// A first request is out to learn the limit; the others wait until this time.
    pub probe_until_ms: u64,
    /// No request before this time (after a 429, or the API said the budget is spent).
    pub not_before_ms: u64,
    /// When each request of the current window left, oldest first.
    pub sent_ms: VecDeque<u64>,
}

impl Budget {
    /// The window plus a margin for the time a request takes to reach the API's counter, so that
    /// requests bunched by the network never make more than `limit` in the API's own window.
    fn span_ms(window_ms: u64) -> u64 {
        window_ms + (window_ms / 20).max(50)
    }

    fn window(&self, declared_ms: Option<u64>) -> Option<u64> {
        declared_ms.or(self.window_ms)
    }

    /// Forgets the sends that no longer count: those past the window, or, while the window is
    /// unknown, all but the last `limit` (none when the limit is unknown too).
    pub fn prune(&mut self, now: u64, declared_ms: Option<u64>) {
        match self.window(declared_ms) {
            Some(w) => {
                let span = Self::span_ms(w);
                while self.sent_ms.front().is_some_and(|t| t + span <= now) {
                    self.sent_ms.pop_front();
                }
            }
            None => {
                let keep = self.limit.unwrap_or(0) as usize;
                while self.sent_ms.len() > keep {
                    self.sent_ms.pop_front();
                }
            }
        }
    }

    /// Takes one request from the budget at `now`, or says how long to wait. `learns_limit`: the
    /// profile names a limit header, so the first request of an unknown account goes alone.
    pub fn take(&mut self, now: u64, declared_ms: Option<u64>, learns_limit: bool) -> Decision {
        if declared_ms.is_some() {
            // Kept so that the shared file can prune this account's sends by it.
            self.window_ms = declared_ms;
        }
        if now < self.not_before_ms {
            return Decision::Wait {
                ms: self.not_before_ms - now,
                spent: true,
            };
        }
        self.prune(now, declared_ms);
        match (self.limit, self.window(declared_ms)) {
            (Some(limit), Some(window)) => {
                let limit = limit.max(1) as usize;
                if self.sent_ms.len() >= limit {
                    let oldest = self.sent_ms[self.sent_ms.len() - limit];
                    return Decision::Wait {
                        ms: (oldest + Self::span_ms(window)).saturating_sub(now).max(1),
                        spent: true,
                    };
                }
            }
            (None, _) if learns_limit && !self.limit_absent => {
                if now < self.probe_until_ms {
                    return Decision::Wait {
                        ms: PROBE_POLL_MS.min(self.probe_until_ms - now),
                        spent: false,
                    };
                }
                self.probe_until_ms = now + PROBE_MS;
            }
            _ => {}
        }
        self.sent_ms.push_back(now);
        Decision::Go
    }

    /// Learns from one answer at `now`.
    pub fn observe(&mut self, now: u64, seen: Observation, declared_ms: Option<u64>) {
        if let Some(limit) = seen.limit {
            self.limit = Some(limit.clamp(1, MAX_LIMIT));
        } else if self.probe_until_ms > 0 && self.limit.is_none() {
            self.limit_absent = true;
        }
        self.probe_until_ms = 0;
        // Only a reset header tells the window's length; a 429's wait (Retry-After, or a backoff)
        // can be far longer than the window and would slow the account for good.
        if declared_ms.is_none() {
            if let Some(reset) = seen.reset_ms {
                // Announced in whole seconds by most APIs: the window is at least that long.
                let whole = reset.div_ceil(1000) * 1000;
                let learned = whole.clamp(1000, MAX_WINDOW_MS);
                self.window_ms = Some(self.window_ms.map_or(learned, |w| w.max(learned)));
            }
        }
        if let Some(hold) = seen.hold_ms {
            self.not_before_ms = self.not_before_ms.max(now + hold);
        }
        let window = self.window(declared_ms);
        match (self.limit, seen.remaining, window) {
            (Some(limit), Some(remaining), Some(_)) => {
                // Requests the API counted that this machine did not send (another machine, a
                // script): count them as sent now, so the budget holds for everyone.
                self.prune(now, declared_ms);
                let counted = limit.saturating_sub(remaining) as usize;
                while self.sent_ms.len() < counted {
                    self.sent_ms.push_back(now);
                }
            }
            (_, Some(0), _) => {
                if let Some(reset) = seen.reset_ms {
                    self.not_before_ms = self.not_before_ms.max(now + reset);
                }
            }
            _ => {}
        }
    }

    /// A request got no answer (the connection failed): if it was the first of the account,
    /// the next may go and learn the limit instead.
    pub fn unanswered(&mut self) {
        self.probe_until_ms = 0;
    }

    /// The budget as a message names it: "20 requests per 2 s".
    pub fn describe(&self, declared_ms: Option<u64>) -> String {
        match (self.limit, self.window(declared_ms)) {
            (Some(l), Some(w)) => format!("{l} requests per {} s", w as f64 / 1000.0),
            (Some(l), None) => format!("{l} requests per window"),
            _ => "its rate limit".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn learned(limit: u32, window_ms: u64) -> Budget {
        Budget {
            limit: Some(limit),
            window_ms: Some(window_ms),
            ..Budget::default()
        }
    }

    #[test]
    fn the_limit_goes_then_the_next_waits_for_the_oldest_to_leave_the_window() {
        let mut b = learned(3, 2000);
        for t in [0, 10, 20] {
            assert_eq!(b.take(t, None, true), Decision::Go);
        }
        // Window 2000 ms plus the 100 ms margin, counted from the first send.
        assert_eq!(
            b.take(30, None, true),
            Decision::Wait {
                ms: 2070,
                spent: true
            }
        );
        assert_eq!(b.take(2101, None, true), Decision::Go);
        assert!(matches!(b.take(2102, None, true), Decision::Wait { .. }));
    }

    #[test]
    fn the_first_request_of_an_unknown_account_goes_alone_until_its_answer_names_the_limit() {
        let mut b = Budget::default();
        assert_eq!(b.take(0, None, true), Decision::Go);
        assert_eq!(
            b.take(5, None, true),
            Decision::Wait {
                ms: 20,
                spent: false
            }
        );
        b.observe(
            100,
            Observation {
                limit: Some(2),
                remaining: Some(1),
                reset_ms: Some(2000),
                hold_ms: None,
            },
            None,
        );
        assert_eq!(b.window_ms, Some(2000));
        assert_eq!(b.take(101, None, true), Decision::Go);
        assert!(matches!(
            b.take(102, None, true),
            Decision::Wait { spent: true, .. }
        ));
    }

    #[test]
    fn a_first_request_that_got_no_answer_lets_the_next_one_learn_the_limit() {
        let mut b = Budget::default();
        assert_eq!(b.take(0, None, true), Decision::Go);
        assert!(matches!(b.take(1, None, true), Decision::Wait { .. }));
        b.unanswered();
        assert_eq!(b.take(2, None, true), Decision::Go);
        assert!(!b.limit_absent);
    }

    #[test]
    fn an_api_without_a_limit_header_is_not_held_back_after_its_first_answer() {
        let mut b = Budget::default();
        assert_eq!(b.take(0, None, true), Decision::Go);
        b.observe(50, Observation::default(), None);
        assert!(b.limit_absent);
        for t in 51..100 {
            assert_eq!(b.take(t, None, true), Decision::Go);
        }
    }

    #[test]
    fn a_long_429_wait_is_not_taken_for_the_window() {
        let mut b = learned(80, 2000);
        b.observe(
            0,
            Observation {
                hold_ms: Some(60_000),
                ..Observation::default()
            },
            None,
        );
        assert_eq!(b.window_ms, Some(2000));
        let mut huge = Budget::default();
        huge.observe(
            0,
            Observation {
                limit: Some(u32::MAX),
                remaining: Some(0),
                reset_ms: Some(1000),
                hold_ms: None,
            },
            None,
        );
        assert_eq!(huge.limit, Some(MAX_LIMIT));
        assert!(huge.sent_ms.len() <= MAX_LIMIT as usize);
    }

    #[test]
    fn a_429_holds_every_request_as_long_as_it_asks() {
        let mut b = Budget::default();
        b.observe(
            1000,
            Observation {
                hold_ms: Some(1500),
                ..Observation::default()
            },
            None,
        );
        assert_eq!(
            b.take(1200, None, false),
            Decision::Wait {
                ms: 1300,
                spent: true
            }
        );
        assert_eq!(b.take(2500, None, false), Decision::Go);
    }

    #[test]
    fn requests_counted_by_the_api_but_not_sent_from_here_use_the_budget_up() {
        let mut b = learned(10, 2000);
        assert_eq!(b.take(0, None, true), Decision::Go);
        // The API counted 9 of 10: eight came from elsewhere.
        b.observe(
            100,
            Observation {
                limit: Some(10),
                remaining: Some(1),
                reset_ms: Some(1900),
                hold_ms: None,
            },
            None,
        );
        assert_eq!(b.take(110, None, true), Decision::Go);
        assert!(matches!(
            b.take(120, None, true),
            Decision::Wait { spent: true, .. }
        ));
    }

    #[test]
    fn without_a_known_window_a_spent_budget_waits_for_the_announced_reset() {
        let mut b = Budget {
            limit_absent: true,
            ..Budget::default()
        };
        b.observe(
            0,
            Observation {
                limit: None,
                remaining: Some(0),
                reset_ms: Some(3000),
                hold_ms: None,
            },
            Some(60_000),
        );
        assert_eq!(
            b.take(1000, Some(60_000), false),
            Decision::Wait {
                ms: 2000,
                spent: true
            }
        );
    }

    #[test]
    fn a_declared_window_wins_over_what_the_headers_suggest() {
        let mut b = learned(1, 2000);
        assert_eq!(b.take(0, Some(10_000), true), Decision::Go);
        assert_eq!(
            b.take(5000, Some(10_000), true),
            Decision::Wait {
                ms: 5500,
                spent: true
            }
        );
    }
}
