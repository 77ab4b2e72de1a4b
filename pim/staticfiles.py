"""Static files storage: hashed, compressed names once collectstatic has run.

WhiteNoise's manifest storage makes ``{% static %}`` raise for a file that is
not in the manifest. Before ``collectstatic`` (development with runserver,
the test suite, a render subprocess) there is no manifest at all, so plain
names are used instead; in production the manifest exists and every URL
carries its content hash, which WhiteNoise serves with a far-future expiry.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:  # neither in a manifest nor collected yet
            return name
