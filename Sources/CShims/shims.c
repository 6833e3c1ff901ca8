#include "CShims.h"

#include <string.h>

CURLcode shim_curl_setopt_long(CURL *curl, CURLoption option, long value) {
    return curl_easy_setopt(curl, option, value);
}

CURLcode shim_curl_setopt_pointer(CURL *curl, CURLoption option, void *value) {
    return curl_easy_setopt(curl, option, value);
}

CURLcode shim_curl_setopt_string(CURL *curl, CURLoption option, const char *value) {
    return curl_easy_setopt(curl, option, value);
}

CURLcode shim_curl_setopt_write_callback(
    CURL *curl, CURLoption option, size_t (*callback)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(curl, option, callback);
}

CURLcode shim_curl_setopt_debug_callback(
    CURL *curl, int (*callback)(CURL *, curl_infotype, char *, size_t, void *)) {
    return curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, callback);
}

CURLcode shim_curl_getinfo_long(CURL *curl, CURLINFO info, long *value) {
    return curl_easy_getinfo(curl, info, value);
}

amqp_rpc_reply_t shim_amqp_login_plain(
    amqp_connection_state_t state, const char *vhost, int channel_max, int frame_max, int heartbeat,
    const char *user, const char *password) {
    return amqp_login(
        state, vhost, channel_max, frame_max, heartbeat, AMQP_SASL_METHOD_PLAIN, user, password);
}

amqp_rpc_reply_t shim_amqp_login_plain_with_properties(
    amqp_connection_state_t state, const char *vhost, int channel_max, int frame_max, int heartbeat,
    const amqp_table_t *properties, const char *user, const char *password) {
    return amqp_login_with_properties(
        state, vhost, channel_max, frame_max, heartbeat, properties, AMQP_SASL_METHOD_PLAIN, user, password);
}

/*
 * Decodes a URL's path or query part as libmicrohttpd does, except that an encoded NUL (%00)
 * becomes DEL (0x7F): decoded into a C string, a NUL would silently cut the path or value short,
 * so that "/clients/ABS%00/users" would read as "/clients/ABS". DEL matches no route and fails
 * every check of a parameter's form.
 */
static size_t shim_mhd_unescape(void *context, struct MHD_Connection *connection, char *text) {
    (void)context;
    (void)connection;
    for (char *found = strstr(text, "%00"); found != NULL; found = strstr(found + 3, "%00")) {
        found[1] = '7';
        found[2] = 'F';
    }
    return MHD_http_unescape(text);
}

struct MHD_Daemon *shim_mhd_start_daemon(const struct shim_mhd_settings *settings) {
    return MHD_start_daemon(
        settings->flags, 0, NULL, NULL, settings->handler, settings->handler_context,
        MHD_OPTION_SOCK_ADDR, settings->address,
        MHD_OPTION_THREAD_POOL_SIZE, settings->thread_pool_size,
        MHD_OPTION_CONNECTION_TIMEOUT, settings->connection_timeout_seconds,
        MHD_OPTION_CONNECTION_LIMIT, settings->connection_limit,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, settings->connection_memory_limit,
        MHD_OPTION_NOTIFY_COMPLETED, settings->completed, settings->completed_context,
        MHD_OPTION_UNESCAPE_CALLBACK, shim_mhd_unescape, NULL,
        MHD_OPTION_END);
}

const union MHD_DaemonInfo *shim_mhd_get_daemon_info(struct MHD_Daemon *daemon, enum MHD_DaemonInfoType type) {
    return MHD_get_daemon_info(daemon, type);
}

const union MHD_ConnectionInfo *shim_mhd_get_connection_info(
    struct MHD_Connection *connection, enum MHD_ConnectionInfoType type) {
    return MHD_get_connection_info(connection, type);
}
