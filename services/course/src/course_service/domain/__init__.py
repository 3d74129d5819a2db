"""Domain: courses, discussions, sections and enrolments (pure Python)."""
