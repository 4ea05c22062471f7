"""Private helpers shared by several built-in systems: text utilities and generic lexicons."""
