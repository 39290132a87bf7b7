//! Firewall commands that a document gives as the rules to apply (LABELING rule 15):
//! `ufw allow 10000/udp`, `firewall-cmd --add-port=443/tcp`, `iptables -A INPUT -p tcp --dport
//! 443 -j ACCEPT`, nftables `tcp dport { 80, 443 } accept`. Each allowed port is a record of the
//! documented host: inbound (local) unless the rule is for outgoing traffic.

use crate::vocab::{Direction, Transport};

/// One port (or range) a firewall command opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub start: u16,
    pub end: u16,
    pub transport: Option<Transport>,
    pub direction: Direction,
}

fn port(s: &str) -> Option<u16> {
    s.parse::<u32>()
        .ok()
        .filter(|n| (1..=65535).contains(n))
        .map(|n| n as u16)
}

/// "443", "10000:20000", "10000-20000" (ufw and iptables write ranges with a colon).
fn range(s: &str) -> Option<(u16, u16)> {
    let s = s.trim();
    match s.split_once([':', '-']) {
        Some((a, b)) => {
            let (a, b) = (port(a)?, port(b)?);
            (a <= b).then_some((a, b))
        }
        None => port(s).map(|p| (p, p)),
    }
}

/// "80,443,8000:8100" (a list of ports and ranges).
fn ranges(s: &str) -> Vec<(u16, u16)> {
    s.split(',').filter_map(range).collect()
}

fn transport(s: &str) -> Option<Transport> {
    match s.to_ascii_lowercase().as_str() {
        "tcp" => Some(Transport::Tcp),
        "udp" => Some(Transport::Udp),
        "sctp" => Some(Transport::Sctp),
        _ => None,
    }
}

/// "443/tcp", "10000:20000/udp", "53" with the transport the command names elsewhere.
fn port_proto(s: &str, proto: Option<Transport>) -> Vec<(u16, u16, Option<Transport>)> {
    let (p, t) = match s.rsplit_once('/') {
        Some((p, t)) => match transport(t) {
            Some(t) => (p, Some(t)),
            None => return Vec::new(),
        },
        None => (s, proto),
    };
    ranges(p).into_iter().map(|(a, b)| (a, b, t)).collect()
}

/// The words of a shell line, without a prompt (`$`, `#`) and `sudo`.
fn words(line: &str) -> Vec<&str> {
    let mut w: Vec<&str> = line
        .split_whitespace()
        .map(|w| w.trim_matches(['"', '\'', '`']))
        .collect();
    while matches!(
        w.first(),
        Some(&"$") | Some(&"#") | Some(&"sudo") | Some(&">")
    ) {
        w.remove(0);
    }
    w
}

fn ufw(w: &[&str]) -> Vec<Opened> {
    // ufw [--dry-run] allow|limit [in|out] [proto P] [from X] [to Y] [port N] | N/proto
    let Some(verb) = w.iter().position(|x| matches!(*x, "allow" | "limit")) else {
        return Vec::new();
    };
    let rest = &w[verb + 1..];
    let direction = if rest.first() == Some(&"out") {
        Direction::Outbound
    } else {
        Direction::Inbound
    };
    let proto = rest
        .windows(2)
        .find(|p| p[0] == "proto")
        .and_then(|p| transport(p[1]));
    let mut out = Vec::new();
    let mut found = Vec::new();
    if let Some(p) = rest.windows(2).find(|p| p[0] == "port") {
        found = port_proto(p[1], proto);
    } else if let Some(first) = rest.iter().find(|x| !matches!(**x, "in" | "out")) {
        // "ufw allow 80/tcp", "ufw allow 60000:61000/udp"; not "ufw allow OpenSSH"
        found = port_proto(first, proto);
    }
    for (start, end, t) in found {
        // ufw needs a transport for a range; a bare port is both
        let ts: Vec<Option<Transport>> = match t {
            Some(t) => vec![Some(t)],
            None => vec![None],
        };
        for transport in ts {
            out.push(Opened {
                start,
                end,
                transport,
                direction,
            });
        }
    }
    out
}

fn firewall_cmd(w: &[&str]) -> Vec<Opened> {
    let mut out = Vec::new();
    let mut args = w.iter().peekable();
    while let Some(a) = args.next() {
        let value = if let Some(v) = a.strip_prefix("--add-port=") {
            Some(v.to_string())
        } else if *a == "--add-port" {
            args.next().map(|v| v.to_string())
        } else {
            None
        };
        if let Some(v) = value {
            for (start, end, transport) in port_proto(&v, None) {
                out.push(Opened {
                    start,
                    end,
                    transport,
                    direction: Direction::Inbound,
                });
            }
        }
    }
    out
}

fn iptables(w: &[&str]) -> Vec<Opened> {
    // only rules that accept traffic
    let target = w.windows(2).find(|p| p[0] == "-j" || p[0] == "--jump");
    if target.is_some_and(|p| p[1] != "ACCEPT") {
        return Vec::new();
    }
    let chain = w
        .windows(2)
        .find(|p| matches!(p[0], "-A" | "-I" | "--append" | "--insert"))
        .map(|p| p[1]);
    let direction = match chain {
        Some("OUTPUT") => Direction::Outbound,
        _ => Direction::Inbound,
    };
    let proto = w
        .windows(2)
        .find(|p| p[0] == "-p" || p[0] == "--protocol")
        .and_then(|p| transport(p[1]));
    let mut out = Vec::new();
    for p in w.windows(2) {
        if matches!(
            p[0],
            "--dport" | "--destination-port" | "--dports" | "--destination-ports"
        ) {
            for (start, end) in ranges(p[1]) {
                out.push(Opened {
                    start,
                    end,
                    transport: proto,
                    direction,
                });
            }
        }
    }
    out
}

/// nftables: `tcp dport 443 accept`, `udp dport { 3478, 10000-20000 } accept`.
fn nft(line: &str) -> Vec<Opened> {
    let l = line.trim();
    if !l.ends_with("accept") {
        return Vec::new();
    }
    let w: Vec<&str> = l.split_whitespace().collect();
    let Some(i) = w.iter().position(|x| *x == "dport") else {
        return Vec::new();
    };
    let proto = i.checked_sub(1).and_then(|j| transport(w[j]));
    let after = w[i + 1..].join(" ");
    let set = after
        .trim_start_matches('{')
        .split('}')
        .next()
        .unwrap_or("")
        .replace(' ', "");
    let set = set.trim_end_matches("accept");
    let direction = if w.contains(&"output") || w.contains(&"oif") || w.contains(&"oifname") {
        Direction::Outbound
    } else {
        Direction::Inbound
    };
    ranges(set)
        .into_iter()
        .map(|(start, end)| Opened {
            start,
            end,
            transport: proto,
            direction,
        })
        .collect()
}

/// The ports one line opens, if it is a firewall command; `None` when it is not one.
pub fn opened_by(line: &str) -> Option<Vec<Opened>> {
    let w = words(line);
    let tool = w.first()?.rsplit('/').next()?;
    let found = match tool {
        "ufw" => ufw(&w),
        "firewall-cmd" | "firewall-offline-cmd" => firewall_cmd(&w),
        "iptables" | "ip6tables" => iptables(&w),
        _ if line.contains(" dport ") => nft(line),
        _ => return None,
    };
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: &str) -> Vec<(u16, u16, Option<Transport>, Direction)> {
        opened_by(line)
            .unwrap_or_default()
            .into_iter()
            .map(|o| (o.start, o.end, o.transport, o.direction))
            .collect()
    }

    #[test]
    fn reads_each_tool() {
        use Direction::*;
        use Transport::*;
        assert_eq!(
            p("sudo ufw allow 10000/udp"),
            vec![(10000, 10000, Some(Udp), Inbound)]
        );
        assert_eq!(
            p("ufw allow 60000:61000/udp"),
            vec![(60000, 61000, Some(Udp), Inbound)]
        );
        assert_eq!(
            p("ufw allow proto tcp from 10.0.0.0/8 to any port 22"),
            vec![(22, 22, Some(Tcp), Inbound)]
        );
        assert_eq!(
            p("ufw allow out 25/tcp"),
            vec![(25, 25, Some(Tcp), Outbound)]
        );
        assert!(p("ufw allow OpenSSH").is_empty());
        assert_eq!(
            p("# firewall-cmd --permanent --zone=public --add-port=5000-5010/tcp"),
            vec![(5000, 5010, Some(Tcp), Inbound)]
        );
        assert_eq!(
            p("iptables -A INPUT -p tcp -m multiport --dports 80,443 -j ACCEPT"),
            vec![(80, 80, Some(Tcp), Inbound), (443, 443, Some(Tcp), Inbound)]
        );
        assert!(p("iptables -A INPUT -p tcp --dport 23 -j DROP").is_empty());
        assert_eq!(
            p("iptables -A OUTPUT -p udp --dport 53 -j ACCEPT"),
            vec![(53, 53, Some(Udp), Outbound)]
        );
        assert_eq!(
            p("  udp dport { 3478, 10000-20000 } accept"),
            vec![
                (3478, 3478, Some(Udp), Inbound),
                (10000, 20000, Some(Udp), Inbound)
            ]
        );
        assert_eq!(opened_by("echo hello"), None);
        assert_eq!(opened_by("ufw enable"), Some(vec![]));
    }
}
