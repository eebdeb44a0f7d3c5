"""The monitoring plugin's migrations, applied in order by ``portal migrate``."""
