"""Reading input files as they come (CSV/XLSX tables, LKE workbooks, PortalRB answers) into all-text tables."""
