//! Connection phrases in a row's own words (LABELING rule 14): who connects to whom.
//!
//! "Connections to the VCH Administration Portal server" says the row's component receives;
//! "Connections from the VCH to DNS servers" says the documented component connects out;
//! "HTTP dal computer client a un punto di gestione" the same in Italian. Which party is the
//! documented one comes from the table's subject (the document title and the headings over the
//! table), else from the parties that are never the product (the Internet, DNS servers,
//! clients).

use crate::normalize::key;
use crate::tuning::{FLOW_NOUN_MAX_INDEX, FLOW_PARTY_MAX_WORDS};
use crate::vocab::{vocab, Direction};
use std::collections::HashSet;

/// Words too common to tie a party to the subject.
const SUBJECT_FILLER: [&str; 14] = [
    "the", "and", "all", "any", "for", "with", "other", "each", "every", "port", "ports", "server",
    "servers", "computer",
];

/// The distinctive words of a text (three letters or more, not filler).
pub fn subject_words(text: &str) -> Vec<String> {
    key(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3 && !SUBJECT_FILLER.contains(w))
        .map(str::to_string)
        .collect()
}

fn names_subject(party: &[&str], subject: &[String]) -> bool {
    subject_words(&party.join(" "))
        .iter()
        .any(|w| subject.contains(w))
}

/// A party outside the product: one the vocabulary names (the Internet, DNS servers, clients),
/// or an address written as a host name or URL (`cloud.ibm.com`, `https://iam.example.net`).
fn is_outside(party: &[&str]) -> bool {
    vocab().outside_parties.found_in(&party.join(" ")) || party.iter().any(|w| is_address(w))
}

fn is_address(w: &str) -> bool {
    if w.starts_with("http://") || w.starts_with("https://") {
        return true;
    }
    let labels: Vec<&str> = w.split('.').collect();
    labels.len() >= 3
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
        && labels
            .last()
            .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_alphabetic()))
}

/// Tokens of a cell: words, with the punctuation after a word as its own token (`,` inside a
/// list of parties, `;` for the end of a clause).
fn tokens(k: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for w in k.split_whitespace() {
        let w = w.trim_start_matches(['(', '"', '\'', '«', '“', '`', '*']);
        let end = w.trim_end_matches([',', ';', '.', ':', ')', '"', '«', '»', '”', '`', '*']);
        if !end.is_empty() {
            out.push(end);
        }
        match &w[end.len()..] {
            "" => {}
            "," => out.push(","),
            _ => out.push(";"),
        }
    }
    out
}

/// The party named from `start` on (a list "A, B, and C" is one party): up to the end of the
/// clause, the other marker, or the word limit. Returns its words and the index after it.
fn party_at<'a>(t: &[&'a str], start: usize, stops: &[&HashSet<String>]) -> (Vec<&'a str>, usize) {
    let mut out = Vec::new();
    let mut i = start;
    while let Some(w) = t.get(i) {
        if *w == ";" || stops.iter().any(|s| s.contains(*w)) || out.len() >= FLOW_PARTY_MAX_WORDS {
            break;
        }
        if *w != "," {
            out.push(*w);
        }
        i += 1;
    }
    (out, i)
}

fn party<'a>(t: &[&'a str], start: usize, stop: &HashSet<String>) -> Vec<&'a str> {
    party_at(t, start, &[stop]).0
}

/// The direction a cell's connection phrase states for the row's port, if any. `subjects` holds
/// the distinctive words ([`subject_words`]) of what the table is written for, strongest first:
/// the document's title (the documented product, LABELING rule 11), then the headings over
/// the table. The first that names one party and not the other decides.
pub fn flow_direction(cell: &str, subjects: &[Vec<String>]) -> Option<Direction> {
    let v = vocab();
    let k = key(cell);
    let t = tokens(&k);
    // the cell opens with a connection word, maybe after a verb ("Allow access to X")
    let noun = t
        .iter()
        .take(FLOW_NOUN_MAX_INDEX + 1)
        .position(|w| v.flow_connection.contains(*w));
    let opens = noun.is_some();
    let after_noun = noun.map_or(0, |n| n + 1);
    let from = t.iter().position(|w| v.flow_from.contains(*w));
    let to_after = |i: usize| (i + 1..t.len()).find(|&j| v.flow_to.contains(t[j]));
    match from {
        Some(f) => {
            // a second "from" inside the source ("used by X and by Y") is no connection phrase
            let (a, a_end) = party_at(&t, f + 1, &[&v.flow_to, &v.flow_from]);
            if a.is_empty() {
                return None;
            }
            // the "to" that ends the source's name, not one further on
            let to = to_after(f).filter(|&j| j == a_end);
            if to.is_none() && t.get(a_end).is_some_and(|w| v.flow_from.contains(*w)) {
                return None;
            }
            let b = match to {
                Some(j) => party(&t, j + 1, &v.flow_from),
                // "to B from A": the destination stands before the source
                None if opens && t.get(after_noun).is_some_and(|w| v.flow_to.contains(*w)) => {
                    party(&t, after_noun + 1, &v.flow_from)
                }
                None if opens => return Some(Direction::Inbound),
                None => return None,
            };
            if b.is_empty() {
                return None;
            }
            for subject in subjects {
                match (names_subject(&a, subject), names_subject(&b, subject)) {
                    (true, false) => return Some(Direction::Outbound),
                    (false, true) => return Some(Direction::Inbound),
                    _ => {}
                }
            }
            match (is_outside(&a), is_outside(&b)) {
                (false, true) => Some(Direction::Outbound),
                (true, false) => Some(Direction::Inbound),
                _ => None,
            }
        }
        None => {
            // "Connections to X": X receives them, unless X is an outside party
            if !opens || !t.get(after_noun).is_some_and(|w| v.flow_to.contains(*w)) {
                return None;
            }
            let b = party(&t, after_noun + 1, &v.flow_from);
            if b.is_empty() {
                None
            } else if is_outside(&b) && !subjects.iter().any(|s| names_subject(&b, s)) {
                Some(Direction::Outbound)
            } else {
                Some(Direction::Inbound)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(cell: &str, subject: &str) -> Option<Direction> {
        flow_direction(cell, &[subject_words(subject)])
    }

    #[test]
    fn the_title_decides_before_the_headings() {
        // a client guide: the heading names the update point, the title the client
        let subjects = [
            subject_words("Windows Firewall e porte per i client"),
            subject_words("Porte utilizzate con il punto di aggiornamento software"),
        ];
        assert_eq!(
            flow_direction(
                "HTTP dal computer client al punto di aggiornamento software.",
                &subjects
            ),
            Some(Direction::Outbound)
        );
    }

    #[test]
    fn connections_to_a_component_arrive_at_it() {
        assert_eq!(
            dir(
                "Connections to the VCH Administration Portal server",
                "VCH Endpoint VM"
            ),
            Some(Direction::Inbound)
        );
        assert_eq!(
            dir(
                "Connections to vSphere Integrated Containers Registry from vSphere Integrated \
                 Containers Management Portal, VCHs, and Docker clients",
                "vSphere Integrated Containers Appliance"
            ),
            Some(Direction::Inbound)
        );
    }

    #[test]
    fn connections_from_the_subject_go_out() {
        assert_eq!(
            dir(
                "Connections from the VCH to DNS servers for container name resolution",
                "VCH Endpoint VM Bridge Network"
            ),
            Some(Direction::Outbound)
        );
        assert_eq!(
            dir(
                "Protocollo HTTP (Hypertext Transfer Protocol) dal computer client a un punto di \
                 gestione in caso di connessione tramite HTTP.",
                "Porte e programmi per i client"
            ),
            Some(Direction::Outbound)
        );
        assert_eq!(
            dir(
                "Requests from the web server to the database",
                "Web server ports"
            ),
            Some(Direction::Outbound)
        );
    }

    #[test]
    fn connections_to_the_subject_come_in() {
        assert_eq!(
            dir(
                "Traffic from the load balancer to the web server",
                "Web server ports"
            ),
            Some(Direction::Inbound)
        );
        assert_eq!(
            dir(
                "Connexions depuis les clients vers le serveur de licences",
                "Licences"
            ),
            Some(Direction::Inbound)
        );
    }

    #[test]
    fn access_to_an_address_goes_out() {
        assert_eq!(
            dir(
                "Allow access to cloud.ibm.com on port 443 in your allowlist.",
                "Allowlists"
            ),
            Some(Direction::Outbound)
        );
        assert_eq!(
            dir(
                "TCP port 443 FROM <each_worker_node_privateIP> TO <registry_ip>",
                "Permit worker nodes to reach the image store"
            ),
            Some(Direction::Outbound)
        );
        assert!(is_address("iam.cloud.ibm.com") && !is_address("v1.2.3") && !is_address("a.b"));
    }

    #[test]
    fn no_phrase_no_direction() {
        assert_eq!(dir("Used to connect the agents", "Agents"), None);
        assert_eq!(
            dir("SMB between the site server and the client", "Client"),
            None
        );
        assert_eq!(dir("Protocol used by the service", "Service"), None);
        assert_eq!(
            dir("Port is configurable from the console", "Console"),
            None
        );
    }
}
