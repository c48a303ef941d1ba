"""Claims as validated data: models, the registry loader, the bundled paper files."""
