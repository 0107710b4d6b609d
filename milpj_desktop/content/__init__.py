"""National guidance content: stages, thématiques, articles and events."""
