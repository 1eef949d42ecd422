"""The bundled sample (data contoh) and the national benchmark set, generated deterministically."""
