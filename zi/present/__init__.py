"""What a page shows: words and number formats, charts, tables with their downloads, the shared widgets."""
