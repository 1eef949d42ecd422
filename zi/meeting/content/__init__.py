"""What a meeting pack says: the selection's sections as data (model), assembled once (pack) from the query
layer, with their tables, chart data, speaker notes and sources. Nothing here draws."""
