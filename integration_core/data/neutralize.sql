-- A neutralized copy never calls production systems: forget which database is production.
DELETE FROM ir_config_parameter WHERE key = 'integration.production_database_uuid';
