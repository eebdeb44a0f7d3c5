"""The meetings plugin's migrations, applied in order by ``portal migrate`` (see ``portal.migrate``)."""
