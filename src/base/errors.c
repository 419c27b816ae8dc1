/* errors.c - spate_err_str. */
#include <spate/core.h>

const char *spate_err_str(spate_err err)
{
    switch (err) {
    case SPATE_OK:
        return "success";
    case SPATE_ERR_INVALID_ARG:
        return "invalid argument";
    case SPATE_ERR_STATE:
        return "not allowed in the current state";
    case SPATE_ERR_IO:
        return "input/output error";
    case SPATE_ERR_PARSE:
        return "parse error";
    case SPATE_ERR_USER:
        return "user function failed";
    case SPATE_ERR_TIMEOUT:
        return "timed out";
    case SPATE_ERR_NOT_FOUND:
        return "not found";
    case SPATE_ERR_CORRUPT:
        return "corrupt data";
    case SPATE_ERR_UNSUPPORTED:
        return "unsupported";
    }
    return "unknown error";
}
