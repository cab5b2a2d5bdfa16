"""The DuckDB side: schema, loading inputs, the SQL of the marts. No Dagster."""
