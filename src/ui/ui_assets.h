/* ui_assets.h - the files the UI serves as they are (its HTML pages, their
 * script and uPlot's), embedded at build time by src/ui/web/embed.cmake
 * from src/ui/web/ and uPlot's npm package. Read-only; any thread. */
#ifndef SP_UI_ASSETS_H
#define SP_UI_ASSETS_H

#include <stddef.h>

typedef struct sp_ui_asset {
    const char *url; /* "/streaming/", "/static/uPlot.iife.min.js" */
    const char *content_type;
    const unsigned char *data;
    size_t len;
} sp_ui_asset;

extern const sp_ui_asset sp_ui_assets[];
extern const int sp_ui_nassets;

#endif
