package sqlstore

// OpenMigrated lets the external tests open a store as the internal ones do.
var OpenMigrated = openMigrated
