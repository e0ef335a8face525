-- Runs once, when the PostgreSQL volume is first initialised: one database per service, each migrated by its
-- own service on start. The owner is the POSTGRES_USER the container was started with.
CREATE DATABASE tenderflow_gateway;
CREATE DATABASE tenderflow_ingest;
CREATE DATABASE tenderflow_workspace;
CREATE DATABASE tenderflow_questions;
CREATE DATABASE tenderflow_jobs;
