//! `bifrost seed-demo`: demo and load data. Customer organizations with realistic names,
//! integrations with a six-field schema (one secret) and defaults, and mappings spread over the
//! organizations, a tenth of them with an override. Every run adds new, uniquely named rows.

use app::domain::admin::CurrentAdmin;
use app::domain::integration::{FieldType, IntegrationDraft, SchemaField, ValueChange, ValueInput};
use app::error::AppError;
use app::ssr::{ConfigurationServices, IntegrationServices};

use super::{internal, ServerServices};
use crate::store::demo::DemoMapping;
use crate::time::now_millis;

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
    pub sample: Option<(String, i64)>,
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
            id: 0,
            email: "seed-demo".into(),
        };
        let prefix = format!("Demo {run} ");
        let names: Vec<String> = (0..organizations)
            .map(|i| {
                format!(
                    "{prefix}{} {} {i:06} {}",
                    COMPANIES[i % COMPANIES.len()],
                    TRADES[i / COMPANIES.len() % TRADES.len()],
                    SUFFIXES[i % SUFFIXES.len()]
                )
            })
            .collect();
        let created = self
            .store
            .insert_demo_organizations(&names, started)
            .await
            .map_err(internal)?;
        let organization_ids = self
            .store
            .demo_organization_ids(&prefix)
            .await
            .map_err(internal)?;
        let mut mappings = 0;
        let mut sample = None;
        for j in 0..integrations {
            let draft = IntegrationDraft {
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
            };
            let integration = self.create_integration(&admin, &draft).await?;
            self.save_defaults(
                &admin,
                integration.id,
                &[
                    set("base_url", format!("https://api{j}.example.com")),
                    set("timeout", "30".into()),
                    set("verbose", "false".into()),
                    set("options", r#"{"page_size": 100}"#.into()),
                    set("api_key", format!("demo-secret-{run}-{j}")),
                    set("region", "eu-west".into()),
                ],
            )
            .await?;
            let timeout_field = integration
                .fields
                .iter()
                .find(|field| field.key == "timeout")
                .map(|field| field.id)
                .ok_or(AppError::Internal)?;
            let rows: Vec<DemoMapping> = (0..mappings_per_integration)
                .map(|i| DemoMapping {
                    // A different spread of organizations for each integration, each at most once.
                    organization_id: organization_ids[(j * 7919 + i) % organization_ids.len()],
                    entity_id: format!("tenant-{j}-{i}"),
                    entity_name: format!("Tenant {i} of {}", draft.name),
                })
                .collect();
            if let Some(first) = rows.first() {
                sample.get_or_insert((draft.name.clone(), first.organization_id));
            }
            mappings += self
                .store
                .insert_demo_mappings(integration.id, &rows, (timeout_field, "60"), now_millis())
                .await
                .map_err(internal)?;
        }
        Ok(DemoReport {
            organizations: created,
            integrations,
            mappings,
            millis: now_millis() - started,
            sample,
        })
    }
}
