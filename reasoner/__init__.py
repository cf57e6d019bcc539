"""aiact-kg: knowledge graph and legal reasoning for Regulation (EU) 2024/1689 (the AI Act)."""
