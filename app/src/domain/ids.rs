//! Typed ids: an integration's id is not an organization's, so the compiler refuses one where the
//! other belongs. On the wire (JSON, form fields, URLs) each is the plain number it wraps; in the
//! server build each binds and decodes as the `BIGINT` column it is stored in.

use serde::{Deserialize, Serialize};

macro_rules! typed_ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            pub const fn new(id: i64) -> $name {
                $name(id)
            }

            /// The number, for a URL or a form field.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl From<i64> for $name {
            fn from(id: i64) -> $name {
                $name(id)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(text: &str) -> Result<$name, Self::Err> {
                text.parse().map($name)
            }
        }
    )*};
}

typed_ids!(
    /// An integration (`integrations.id`).
    IntegrationId,
    /// A customer or the provider organization (`organizations.id`).
    OrganizationId,
    /// An organization's mapping in one integration (`integration_mappings.id`).
    MappingId,
    /// An OAuth connection (`oauth_connections.id`).
    ConnectionId,
    /// An OAuth token row, shared or an organization's own (`oauth_tokens.id`).
    TokenId,
    /// An administrator (`admins.id`).
    AdminId,
    /// An API key (`api_keys.id`).
    ApiKeyId,
    /// A consent link sent to a customer (`consent_links.id`).
    ConsentLinkId,
    /// Where alerts are sent: a webhook or an e-mail account (`alert_destinations.id`).
    AlertDestinationId,
    /// One alert queued for one destination (`alert_deliveries.id`).
    AlertDeliveryId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_number_on_the_wire() {
        let id = IntegrationId::new(42);
        assert_eq!("42".parse::<IntegrationId>(), Ok(id));
        assert_eq!(id.get(), 42);
        assert_eq!(id.to_string(), "42");
    }
}
