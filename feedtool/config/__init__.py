"""Reading podcast.toml and STEM.toml: the schema, the show and episode keys, Podcasting 2.0 keys, the config doc."""
