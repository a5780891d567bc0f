-- A neutralized copy never calls production systems: forget which database is production.
DELETE FROM ir_config_parameter
 WHERE key IN ('integration.production_database_uuid', 'integration.production_database_name');
