"""The build engine: plan and run a build, write public/, the read cache, memo and incremental patch, guids, validation."""
