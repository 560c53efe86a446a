"""arkisto's own theme: high contrast (white and yellow on black), for low
vision and bright rooms.  Chosen with ``theme = "arkisto-high-contrast"`` in
config.toml or from the palette's theme list.

Textual derives muted text, cursors and the footer's keys from the theme's
colours with transparency, which lowers their contrast; here each is set to a
full colour, so every pair of text and background is at least 7:1 (WCAG AAA).
"""

from __future__ import annotations

from textual.theme import Theme

HIGH_CONTRAST = Theme(
    name="arkisto-high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ffff00",
    warning="#ffff00",
    error="#ff8080",
    success="#00ff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#000000",
    dark=True,
    variables={
        "text": "#ffffff",
        "text-muted": "#ffffff",
        "text-disabled": "#c0c0c0",
        "text-primary": "#ffff00",
        "text-warning": "#ffff00",
        "text-error": "#ff8080",
        "text-success": "#00ff00",
        "block-cursor-foreground": "#000000",
        "block-cursor-background": "#ffff00",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-foreground": "#000000",
        "block-cursor-blurred-background": "#c0c0c0",
        "block-hover-background": "#333333",
        "input-cursor-foreground": "#000000",
        "input-cursor-background": "#ffff00",
        "input-selection-background": "#0000c0",
        "border": "#ffff00",
        "border-blurred": "#c0c0c0",
        "footer-foreground": "#ffffff",
        "footer-background": "#000000",
        "footer-key-foreground": "#ffff00",
        "footer-key-background": "#000000",
        "footer-description-foreground": "#ffffff",
        "footer-description-background": "#000000",
        "footer-item-background": "#000000",
        "scrollbar": "#c0c0c0",
        "scrollbar-background": "#000000",
        "link-color": "#00ffff",
    },
)

THEMES = (HIGH_CONTRAST,)
