//! The page trusts only itself: a request must name this server in its `Host` (so a web
//! site whose name was re-pointed at 127.0.0.1 — DNS rebinding — gets nothing, not even a
//! session), and a change must come from the page itself: a same-origin `Origin`, or none
//! at all from a program that sends the CSRF token in `X-CSRF-Token` (a browser sends
//! `Origin` with every POST of a form or script).

use super::error::Error;
use axum::extract::Request;
use axum::http::uri::Authority;
use axum::http::{Method, StatusCode, header};
use std::net::{IpAddr, SocketAddr};

/// The names and the address a request may call this server by.
#[derive(Debug, Clone)]
pub(crate) struct Allowed {
    ip: IpAddr,
    port: u16,
    /// From `--host`, lower case.
    names: Vec<String>,
    /// The page's own address, for the refusal's text.
    url: String,
}

/// The names given with `--host`, checked: a host name or address without a port.
pub fn check_hosts(names: &[String]) -> Result<(), Error> {
    for n in names {
        let plain = n
            .parse::<Authority>()
            .is_ok_and(|a| a.port().is_none() && !a.as_str().contains('@') && !a.host().is_empty());
        if !plain {
            return Err(Error::Host(n.clone()));
        }
    }
    Ok(())
}

/// An authority's host (lower case, no brackets, no final dot) and port (80 if none).
fn split(authority: &str) -> Option<(String, u16)> {
    let a = authority.parse::<Authority>().ok()?;
    if a.as_str().contains('@') {
        return None;
    }
    let host = a
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    Some((host, a.port_u16().unwrap_or(80)))
}

impl Allowed {
    /// For a server listening on `bound` (the port it really got), known also by `names`.
    pub fn new(bound: SocketAddr, names: &[String]) -> Allowed {
        Allowed {
            ip: bound.ip(),
            port: bound.port(),
            names: names
                .iter()
                .map(|n| n.trim_end_matches('.').to_ascii_lowercase())
                .collect(),
            url: format!("http://{bound}/"),
        }
    }

    /// Whether `authority` (a `Host` value, or an origin's `host:port`) names this server.
    /// An address written as digits cannot be re-pointed by a name server, so with a
    /// wildcard listen address any of them does; a name must be `localhost` (loopback) or
    /// one of `--host`.
    pub fn host(&self, authority: &str) -> bool {
        let Some((host, port)) = split(authority) else {
            return false;
        };
        if port != self.port {
            return false;
        }
        match host.parse::<IpAddr>() {
            Ok(ip) => !ip.is_unspecified() && (ip == self.ip || self.ip.is_unspecified()),
            Err(_) => {
                (host == "localhost" && (self.ip.is_loopback() || self.ip.is_unspecified()))
                    || self.names.contains(&host)
            }
        }
    }

    /// The refusal of a request that does not come to or from this page, if it does not.
    pub fn refusal(&self, req: &Request) -> Option<Error> {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok());
        let named = [host, req.uri().authority().map(Authority::as_str)];
        if named.iter().all(Option::is_none)
            || named.iter().flatten().any(|a| !self.host(a))
            || req.headers().get_all(header::HOST).iter().count() > 1
        {
            return Some(Error::page(
                StatusCode::MISDIRECTED_REQUEST,
                "Запрос отклонён",
                format!(
                    "Страница okno открывается только по адресу этого компьютера ({}): \
                     запрос пришёл по другому имени и отклонён.",
                    self.url
                ),
            ));
        }
        if req.method() == Method::GET || req.method() == Method::HEAD {
            return None;
        }
        let origin = req.headers().get(header::ORIGIN).map(|v| v.to_str());
        let same = match origin {
            Some(Ok(o)) => o
                .strip_prefix("http://")
                .filter(|a| !a.contains('/'))
                .and_then(split)
                .is_some_and(|o| host.and_then(split).is_some_and(|h| h == o)),
            Some(Err(_)) => false,
            // A program (curl, a script) with the session's token in the header; its
            // value is checked with the session's.
            None => req.headers().contains_key("x-csrf-token"),
        };
        if same {
            None
        } else {
            Some(Error::page(
                StatusCode::FORBIDDEN,
                "Запрос отклонён",
                "Запрос отправлен не со страницы okno. Откройте страницу okno заново и повторите.",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(addr: &str, names: &[&str]) -> Allowed {
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        Allowed::new(addr.parse().unwrap(), &names)
    }

    #[test]
    fn the_host_must_name_this_server() {
        let a = at("127.0.0.1:8080", &["Okno.School.Local"]);
        for ok in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LOCALHOST:8080",
            "localhost.:8080",
            "okno.school.local:8080",
        ] {
            assert!(a.host(ok), "{ok}");
        }
        for bad in [
            "attacker.example:8080",
            "127.0.0.1:8081",
            "127.0.0.1",
            "127.0.0.2:8080",
            "localhost",
            "user@127.0.0.1:8080",
            "",
            "okno.school.local.evil:8080",
            "[::1]:8080",
        ] {
            assert!(!a.host(bad), "{bad}");
        }
        let wide = at("0.0.0.0:80", &[]);
        assert!(wide.host("192.168.1.20"));
        assert!(wide.host("192.168.1.20:80"));
        assert!(!wide.host("server.example"));
        assert!(!wide.host("0.0.0.0"));
        assert!(at("[::1]:8080", &[]).host("[::1]:8080"));
    }

    #[test]
    fn host_names_are_plain() {
        assert!(check_hosts(&["okno.school.local".into(), "10.0.0.5".into()]).is_ok());
        for bad in ["http://x", "x:8080", "a@b", "", "a/b"] {
            assert!(check_hosts(&[bad.to_string()]).is_err(), "{bad}");
        }
    }
}
