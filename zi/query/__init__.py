"""The dashboard's read-only way to the warehouse: the connection choke point, the dataset mode, the named queries."""
