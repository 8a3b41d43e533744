//! `bifrost seed-demo`: demo and load data. Customer organizations with realistic names,
//! integrations with a six-field schema (one secret) and defaults, and mappings spread over the
//! organizations, a tenth of them with an override. A third of the integrations use a demo OAuth
//! connection, with a shared token and, for their first mappings, organization-specific tokens,
//! all valid for a day (the provider's URLs are placeholders: the background refresher tries them,
//! and fails, from ten minutes before the tokens expire).
//! Every run adds new, uniquely named rows.

use app::domain::admin::CurrentAdmin;
use app::domain::ids::{AdminId, ConnectionId, IntegrationId, MappingId, OrganizationId};
use app::domain::integration::{FieldType, IntegrationDraft, SchemaField, ValueChange, ValueInput};
use app::domain::oauth::{GrantType, OAuthConnectionDraft, SecretChange};
use app::error::AppError;
use app::ssr::{ConfigurationServices, IntegrationServices, OAuthServices};
use secrecy::SecretString;

use super::{internal, ServerServices};
use crate::store::demo::DemoMapping;
use crate::store::oauth_tokens::{GrantedTokens, TokenOwner};
use crate::time::now_millis;

/// Every this many integrations, one uses the demo OAuth connection.
const OAUTH_EVERY: usize = 3;
/// How many of an OAuth integration's mappings get an organization-specific token.
const ORGANIZATION_TOKENS_PER_INTEGRATION: usize = 10;
const DEMO_TOKEN_LIFETIME_MS: i64 = 24 * 60 * 60 * 1000;

const COMPANIES: [&str; 12] = [
    "Contoso",
    "Fabrikam",
    "Northwind",
    "Adatum",
    "Tailspin",
    "Woodgrove",
    "Litware",
    "Proseware",
    "Wingtip",
    "Alpine",
    "Coho",
    "Lucerne",
];
const TRADES: [&str; 8] = [
    "Dental",
    "Logistics",
    "Legal",
    "Retail",
    "Engineering",
    "Clinics",
    "Builders",
    "Finance",
];
const SUFFIXES: [&str; 5] = ["Ltd", "GmbH", "Inc", "LLC", "SA"];
const VENDORS: [&str; 10] = [
    "HaloPSA",
    "ConnectWise",
    "Datto",
    "NinjaOne",
    "Autotask",
    "Microsoft365",
    "SentinelOne",
    "Huntress",
    "ITGlue",
    "Hudu",
];

/// What a run created, and how long it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoReport {
    pub organizations: u64,
    pub integrations: usize,
    pub mappings: u64,
    pub millis: i64,
    /// An integration of this run and an organization mapped in it, for benchmarks to ask for.
    pub sample: Option<(String, OrganizationId)>,
    /// Every integration and organization of this run, for benchmarks that spread their
    /// requests over the dataset.
    pub integration_names: Vec<String>,
    pub organization_ids: Vec<OrganizationId>,
}

fn field(key: &str, field_type: FieldType, required: bool) -> SchemaField {
    SchemaField {
        id: None,
        key: key.into(),
        field_type,
        required,
        description: String::new(),
    }
}

fn set(key: &str, value: String) -> ValueInput {
    ValueInput {
        key: key.into(),
        change: ValueChange::Set(value),
    }
}

/// The names of `count` customer organizations, each starting with `prefix`; company-like,
/// each ending in a suffix such as Ltd or GmbH (auto-match's tests and timing use them too).
pub fn organization_names(prefix: &str, count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            format!(
                "{prefix}{} {} {i:06} {}",
                COMPANIES[i % COMPANIES.len()],
                TRADES[i / COMPANIES.len() % TRADES.len()],
                SUFFIXES[i % SUFFIXES.len()]
            )
        })
        .collect()
}

/// The `j`th integration of run `run`: six fields, one of each type and a second string.
fn demo_integration(run: &str, j: usize) -> IntegrationDraft {
    IntegrationDraft {
        name: format!("{}_{run}_{j:03}", VENDORS[j % VENDORS.len()]),
        description: format!("Demo integration {j}"),
        entity_id_name: "Tenant ID".into(),
        default_entity_id: format!("default-tenant-{j}"),
        fields: vec![
            field("base_url", FieldType::String, true),
            field("timeout", FieldType::Int, false),
            field("verbose", FieldType::Bool, false),
            field("options", FieldType::Json, false),
            field("api_key", FieldType::Secret, false),
            field("region", FieldType::String, false),
        ],
        confirm_field_removal: false,
        opened_at_version: None,
    }
}

/// The defaults of the `j`th integration of run `run`, one for each field.
fn demo_defaults(run: &str, j: usize) -> [ValueInput; 6] {
    [
        set("base_url", format!("https://api{j}.example.com")),
        set("timeout", "30".into()),
        set("verbose", "false".into()),
        set("options", r#"{"page_size": 100}"#.into()),
        set("api_key", format!("demo-secret-{run}-{j}")),
        set("region", "eu-west".into()),
    ]
}

/// What the integrations of one run share.
struct DemoRun {
    admin: CurrentAdmin,
    /// Sets this run's names apart from earlier runs'.
    run: String,
    organization_ids: Vec<OrganizationId>,
    connection_id: ConnectionId,
    mappings_per_integration: usize,
}

impl DemoRun {
    /// The mappings of the `j`th integration, named `integration_name`.
    fn mappings_of(&self, j: usize, integration_name: &str) -> Vec<DemoMapping> {
        let organization_ids = &self.organization_ids;
        (0..self.mappings_per_integration)
            .map(|i| DemoMapping {
                // A different spread of organizations for each integration, each at most once.
                organization_id: organization_ids[(j * 7919 + i) % organization_ids.len()],
                entity_id: format!("tenant-{j}-{i}"),
                entity_name: format!("Tenant {i} of {integration_name}"),
            })
            .collect()
    }
}

/// What one integration of a run added: its mappings, and an organization mapped in it.
struct SeededIntegration {
    mappings: u64,
    sample: Option<(String, OrganizationId)>,
}

impl ServerServices {
    pub async fn seed_demo(
        &self,
        organizations: usize,
        integrations: usize,
        mappings_per_integration: usize,
    ) -> Result<DemoReport, AppError> {
        if mappings_per_integration > organizations {
            return Err(AppError::invalid(
                "mappings_per_integration",
                "must be at most the number of organizations (one mapping per organization)",
            ));
        }
        let started = now_millis();
        let run = format!("{:x}", started % 0xFFFFFF);
        let admin = CurrentAdmin {
            id: AdminId::default(),
            email: "seed-demo".into(),
        };
        let prefix = format!("Demo {run} ");
        let (created, organization_ids) = self
            .seed_demo_organizations(&prefix, organizations, started)
            .await?;
        let connection_id = self.create_demo_connection(&admin, &run).await?;
        let demo = DemoRun {
            admin,
            run,
            organization_ids,
            connection_id,
            mappings_per_integration,
        };
        let (mappings, sample) = self.seed_demo_integrations(&demo, integrations).await?;
        let integration_names = (0..integrations)
            .map(|j| demo_integration(&demo.run, j).name)
            .collect();
        let shared = TokenOwner {
            connection_id,
            organization_id: None,
            entity_id: String::new(),
            url_values: "{}".into(),
        };
        self.add_demo_token(&shared, None).await?;
        Ok(DemoReport {
            organizations: created,
            integrations,
            mappings,
            millis: now_millis() - started,
            sample,
            integration_names,
            organization_ids: demo.organization_ids,
        })
    }

    /// Adds `count` organizations named with `prefix`; returns how many, and the ids of all
    /// organizations with that prefix.
    async fn seed_demo_organizations(
        &self,
        prefix: &str,
        count: usize,
        now: i64,
    ) -> Result<(u64, Vec<OrganizationId>), AppError> {
        let names = organization_names(prefix, count);
        let created = self
            .store
            .insert_demo_organizations(&names, now)
            .await
            .map_err(internal)?;
        let organization_ids = self
            .store
            .demo_organization_ids(prefix)
            .await
            .map_err(internal)?;
        Ok((created, organization_ids))
    }

    /// Adds `count` integrations; returns how many mappings they have, and the first sample.
    async fn seed_demo_integrations(
        &self,
        demo: &DemoRun,
        count: usize,
    ) -> Result<(u64, Option<(String, OrganizationId)>), AppError> {
        let mut mappings = 0;
        let mut sample = None;
        for j in 0..count {
            let seeded = self.seed_demo_integration(demo, j).await?;
            mappings += seeded.mappings;
            sample = sample.or(seeded.sample);
        }
        Ok((mappings, sample))
    }

    /// The `j`th integration with its defaults and mappings; every `OAUTH_EVERY`th also with
    /// the demo OAuth connection and organization-specific tokens.
    async fn seed_demo_integration(
        &self,
        demo: &DemoRun,
        j: usize,
    ) -> Result<SeededIntegration, AppError> {
        let draft = demo_integration(&demo.run, j);
        let integration = self.create_integration(&demo.admin, &draft).await?;
        self.save_defaults(&demo.admin, integration.id, &demo_defaults(&demo.run, j))
            .await?;
        let timeout_field = integration
            .fields
            .iter()
            .find(|field| field.key == "timeout")
            .map(|field| field.id)
            .ok_or(AppError::Internal)?;
        let rows = demo.mappings_of(j, &draft.name);
        let sample = rows
            .first()
            .map(|first| (draft.name.clone(), first.organization_id));
        let mappings = self
            .store
            .insert_demo_mappings(integration.id, &rows, (timeout_field, "60"), now_millis())
            .await
            .map_err(internal)?;
        if j.is_multiple_of(OAUTH_EVERY) {
            self.link_oauth_connection(&demo.admin, integration.id, Some(demo.connection_id))
                .await?;
            let organizations: Vec<(OrganizationId, String)> = rows
                .iter()
                .take(ORGANIZATION_TOKENS_PER_INTEGRATION)
                .map(|row| (row.organization_id, row.entity_id.clone()))
                .collect();
            self.add_demo_organization_tokens(demo.connection_id, integration.id, &organizations)
                .await?;
        }
        Ok(SeededIntegration { mappings, sample })
    }

    async fn create_demo_connection(
        &self,
        admin: &CurrentAdmin,
        run: &str,
    ) -> Result<ConnectionId, AppError> {
        let draft = OAuthConnectionDraft {
            name: format!("demo-{run}-partner-center"),
            grant_type: GrantType::AuthorizationCode,
            authorization_url: "https://login.example.com/oauth2/authorize".into(),
            token_url: "https://login.example.com/oauth2/token".into(),
            client_id: format!("demo-client-{run}"),
            client_secret: SecretChange::Set(format!("demo-client-secret-{run}")),
            scopes: "offline_access api".into(),
            pkce: true,
            extra_parameters: String::new(),
            audience: String::new(),
            revocation_url: String::new(),
            entity_id_source: String::new(),
            client_secret_expires_on: String::new(),
            opened_at_version: None,
        };
        Ok(self.create_oauth_connection(admin, &draft).await?.id)
    }

    /// One organization-specific token (with its mapping's entity ID) per organization, linked
    /// to its mapping.
    async fn add_demo_organization_tokens(
        &self,
        connection_id: ConnectionId,
        integration_id: IntegrationId,
        organizations: &[(OrganizationId, String)],
    ) -> Result<(), AppError> {
        for (organization_id, entity_id) in organizations {
            let mapping = self
                .store
                .find_mapping_of_organization(integration_id, *organization_id)
                .await
                .map_err(internal)?
                .ok_or(AppError::Internal)?;
            let owner = TokenOwner {
                connection_id,
                organization_id: Some(*organization_id),
                entity_id: entity_id.clone(),
                url_values: "{}".into(),
            };
            self.add_demo_token(&owner, Some(mapping.id)).await?;
        }
        Ok(())
    }

    /// A connected token for `owner`, valid for a day, linked to `mapping_id` when given.
    async fn add_demo_token(
        &self,
        owner: &TokenOwner,
        mapping_id: Option<MappingId>,
    ) -> Result<(), AppError> {
        let now = now_millis();
        let label = match owner.organization_id {
            Some(organization_id) => format!("{}-{organization_id}", owner.connection_id),
            None => format!("{}-shared", owner.connection_id),
        };
        let tokens = GrantedTokens {
            access_token: SecretString::from(format!("demo-access-{label}")),
            refresh_token: Some(SecretString::from(format!("demo-refresh-{label}"))),
            token_type: "Bearer".into(),
            scopes: "offline_access api".into(),
            expires_at: now + DEMO_TOKEN_LIFETIME_MS,
            detected_entity_id: String::new(),
        };
        self.store
            .save_connected_token(&self.keyring, owner, &tokens, mapping_id, None, now)
            .await
            .map_err(internal)?;
        Ok(())
    }
}
