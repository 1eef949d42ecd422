"""The warehouse file: copy, change in one transaction, publish by atomic rename; versions, rollback, export."""
