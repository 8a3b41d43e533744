//! Where the server may send requests on an admin's behalf. An admin types the URLs (Test
//! Connection, token, revocation, authorization), so without a rule the server would call its
//! own loopback services, the private network behind it, or the cloud's metadata endpoint and
//! show the answer. Addresses are checked after DNS resolution, when connecting, so a public
//! name that resolves to 127.0.0.1 is refused too.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use ipnet::IpNet;

/// The settings that open what this module refuses, as the refusal names them.
pub const ALLOW_PRIVATE_SETTING: &str = "BIFROST_ALLOW_PRIVATE_NETWORK";
pub const ALLOWED_HOSTS_SETTING: &str = "BIFROST_ALLOWED_HOSTS";

/// Which internal addresses the operator allows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboundPolicy {
    allow_private: bool,
    allowed_hosts: Vec<String>,
    allowed_networks: Vec<IpNet>,
}

/// A request refused because of where it would go.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{host} is {address}, a {kind} address, which Bifrost does not call unless the operator \
     allows it: set {ALLOW_PRIVATE_SETTING}=true, or add the host or its network to \
     {ALLOWED_HOSTS_SETTING}"
)]
pub struct OutboundRefused {
    pub host: String,
    pub address: IpAddr,
    pub kind: &'static str,
}

impl OutboundPolicy {
    /// Public addresses only: the default.
    pub fn public_only() -> OutboundPolicy {
        OutboundPolicy::default()
    }

    /// Every address, for a provider on the same machine or network (and the test fixtures).
    pub fn allow_private_network() -> OutboundPolicy {
        OutboundPolicy {
            allow_private: true,
            ..OutboundPolicy::default()
        }
    }

    /// `allowed` is a comma-separated list of host names and addresses or networks (CIDR).
    pub fn parse(allow_private: bool, allowed: &str) -> Result<OutboundPolicy, String> {
        let mut policy = OutboundPolicy {
            allow_private,
            ..OutboundPolicy::default()
        };
        for entry in allowed.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if let Ok(network) = entry.parse::<IpNet>() {
                policy.allowed_networks.push(network);
            } else if let Ok(address) = entry.parse::<IpAddr>() {
                policy.allowed_networks.push(IpNet::from(address));
            } else if is_host_name(entry) {
                policy.allowed_hosts.push(entry.to_ascii_lowercase());
            } else {
                return Err(format!(
                    "{ALLOWED_HOSTS_SETTING}: {entry:?} is neither a host name, an address nor a network (CIDR)"
                ));
            }
        }
        Ok(policy)
    }

    /// Whether `host` may be called at `address`.
    pub fn check(&self, host: &str, address: IpAddr) -> Result<(), OutboundRefused> {
        let Some(kind) = internal_kind(address) else {
            return Ok(());
        };
        let host_key = host.trim_end_matches('.').to_ascii_lowercase();
        if self.allow_private
            || self.allowed_hosts.contains(&host_key)
            || self.allowed_networks.iter().any(|n| n.contains(&address))
        {
            return Ok(());
        }
        Err(OutboundRefused {
            host: host.to_string(),
            address,
            kind,
        })
    }

    /// The check for a URL whose host is an address: those are connected to without DNS.
    pub fn check_literal(&self, url: &url::Url) -> Result<(), OutboundRefused> {
        match url.host() {
            Some(url::Host::Ipv4(address)) => self.check(&address.to_string(), address.into()),
            Some(url::Host::Ipv6(address)) => self.check(&address.to_string(), address.into()),
            _ => Ok(()),
        }
    }

    /// Resolves the URL's host now and checks every address, for a URL the server does not
    /// call itself (an authorization URL the admin's browser is sent to).
    pub async fn check_resolved(&self, url: &url::Url) -> Result<(), OutboundRefused> {
        self.check_literal(url)?;
        let Some(url::Host::Domain(host)) = url.host() else {
            return Ok(());
        };
        let port = url.port_or_known_default().unwrap_or(443);
        let Ok(addresses) = tokio::net::lookup_host((host, port)).await else {
            // An unknown name is no internal address; the browser will say it cannot connect.
            return Ok(());
        };
        for address in addresses {
            self.check(host, address.ip())?;
        }
        Ok(())
    }
}

/// What kind of internal address `address` is; `None` for a public one.
pub fn internal_kind(address: IpAddr) -> Option<&'static str> {
    match address {
        IpAddr::V4(v4) => internal_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return internal_v4(v4);
            }
            internal_v6(v6)
        }
    }
}

fn internal_v4(address: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = address.octets();
    if address == Ipv4Addr::new(169, 254, 169, 254) || address == Ipv4Addr::new(100, 100, 100, 200)
    {
        Some("cloud metadata")
    } else if address.is_loopback() {
        Some("loopback")
    } else if address.is_private() || (a == 100 && (64..128).contains(&b)) {
        Some("private")
    } else if address.is_link_local() {
        Some("link-local")
    } else if address.is_unspecified()
        || address.is_broadcast()
        || address.is_multicast()
        || a == 0
        || a >= 240
    {
        Some("reserved")
    } else {
        None
    }
}

fn internal_v6(address: Ipv6Addr) -> Option<&'static str> {
    let first = address.segments()[0];
    if address == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
        Some("cloud metadata")
    } else if address.is_loopback() {
        Some("loopback")
    } else if first & 0xfe00 == 0xfc00 {
        Some("private")
    } else if first & 0xffc0 == 0xfe80 {
        Some("link-local")
    } else if address.is_unspecified() || address.is_multicast() {
        Some("reserved")
    } else if first == 0x0064 && address.segments()[1] == 0xff9b {
        // NAT64 reaches an IPv4 address through the gateway: judge that address.
        let [.., a, b, c, d] = address.octets();
        internal_v4(Ipv4Addr::new(a, b, c, d))
    } else {
        None
    }
}

fn is_host_name(entry: &str) -> bool {
    !entry.is_empty()
        && entry.len() <= 253
        && entry.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// The HTTP client's resolver: the system's DNS, then the policy on every address it returned.
/// Addresses the policy refuses are dropped; when none is left the connection fails with the
/// refusal, which the caller finds in the error's sources.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    pub policy: Arc<OutboundPolicy>,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let mut refusal = None;
            let allowed: Vec<SocketAddr> = resolved
                .into_iter()
                .filter(|address| match policy.check(&host, address.ip()) {
                    Ok(()) => true,
                    Err(refused) => {
                        refusal.get_or_insert(refused);
                        false
                    }
                })
                .collect();
            match (allowed.is_empty(), refusal) {
                (true, Some(refused)) => Err(Box::new(refused) as Box<_>),
                _ => Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs),
            }
        })
    }
}

/// The refusal behind a failed request, if that is why it failed.
pub fn refusal_of(error: &(dyn std::error::Error + 'static)) -> Option<OutboundRefused> {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if let Some(refused) = error.downcast_ref::<OutboundRefused>() {
            return Some(refused.clone());
        }
        cause = error.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("address")
    }

    #[test]
    fn internal_addresses_are_told_from_public_ones() {
        for (address, kind) in [
            ("127.0.0.1", "loopback"),
            ("127.8.9.1", "loopback"),
            ("::1", "loopback"),
            ("10.1.2.3", "private"),
            ("172.16.0.1", "private"),
            ("192.168.1.1", "private"),
            ("100.64.0.1", "private"),
            ("fd12::1", "private"),
            ("169.254.169.254", "cloud metadata"),
            ("fd00:ec2::254", "cloud metadata"),
            ("169.254.1.1", "link-local"),
            ("fe80::1", "link-local"),
            ("0.0.0.0", "reserved"),
            ("::", "reserved"),
            ("::ffff:127.0.0.1", "loopback"),
            ("64:ff9b::a00:1", "private"),
        ] {
            assert_eq!(internal_kind(ip(address)), Some(kind), "{address}");
        }
        for address in ["8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111"] {
            assert_eq!(internal_kind(ip(address)), None, "{address}");
        }
    }

    #[test]
    fn the_operator_opens_hosts_networks_or_everything() {
        let closed = OutboundPolicy::public_only();
        let refused = closed
            .check("halo.internal", ip("10.0.0.5"))
            .expect_err("private");
        assert!(
            refused.to_string().contains(ALLOW_PRIVATE_SETTING),
            "{refused}"
        );
        assert!(
            refused.to_string().contains(ALLOWED_HOSTS_SETTING),
            "{refused}"
        );
        assert!(closed.check("example.com", ip("93.184.216.34")).is_ok());

        let listed =
            OutboundPolicy::parse(false, " Halo.Internal , 192.168.0.0/16,10.0.0.7").expect("list");
        assert!(listed.check("halo.internal.", ip("10.9.9.9")).is_ok());
        assert!(listed.check("other", ip("192.168.4.4")).is_ok());
        assert!(listed.check("other", ip("10.0.0.7")).is_ok());
        assert!(listed.check("other", ip("10.0.0.8")).is_err());
        assert!(listed.check("other", ip("169.254.169.254")).is_err());

        assert!(OutboundPolicy::allow_private_network()
            .check("x", ip("127.0.0.1"))
            .is_ok());
        let error = OutboundPolicy::parse(false, "http://x/").expect_err("not a host");
        assert!(error.contains(ALLOWED_HOSTS_SETTING), "{error}");
    }
}
