#ifndef SUPPORT_CSHIMS_H
#define SUPPORT_CSHIMS_H

/*
 * Typed, non-variadic entry points for the few C calls that Swift cannot make directly because
 * they are variadic. Each forwards to the library call named in its own name and nothing more.
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <curl/curl.h>
#include <amqp.h>
#include <microhttpd.h>

/* curl_easy_setopt with a long, a pointer, a string, an off_t or a callback argument. */
CURLcode shim_curl_setopt_long(CURL *curl, CURLoption option, long value);
CURLcode shim_curl_setopt_pointer(CURL *curl, CURLoption option, void *value);
CURLcode shim_curl_setopt_string(CURL *curl, CURLoption option, const char *value);
CURLcode shim_curl_setopt_write_callback(
    CURL *curl, CURLoption option, size_t (*callback)(char *, size_t, size_t, void *));

/* curl_easy_setopt with a debug callback (CURLOPT_DEBUGFUNCTION), which sees the protocol's dialogue. */
CURLcode shim_curl_setopt_debug_callback(
    CURL *curl, int (*callback)(CURL *, curl_infotype, char *, size_t, void *));

/* curl_easy_getinfo for a long result. */
CURLcode shim_curl_getinfo_long(CURL *curl, CURLINFO info, long *value);

/* amqp_login with the PLAIN mechanism. */
amqp_rpc_reply_t shim_amqp_login_plain(
    amqp_connection_state_t state, const char *vhost, int channel_max, int frame_max, int heartbeat,
    const char *user, const char *password);

/* amqp_login_with_properties with the PLAIN mechanism: client properties such as capabilities and a connection
 * name, merged by rabbitmq-c with its own. */
amqp_rpc_reply_t shim_amqp_login_plain_with_properties(
    amqp_connection_state_t state, const char *vhost, int channel_max, int frame_max, int heartbeat,
    const amqp_table_t *properties, const char *user, const char *password);

/* The settings of an HTTP daemon that MHD_start_daemon takes as variadic options. */
struct shim_mhd_settings {
    unsigned int flags;
    const struct sockaddr *address;
    unsigned int thread_pool_size;
    unsigned int connection_timeout_seconds;
    unsigned int connection_limit;
    size_t connection_memory_limit;
    MHD_AccessHandlerCallback handler;
    void *handler_context;
    MHD_RequestCompletedCallback completed;
    void *completed_context;
};

/* MHD_start_daemon with the settings above. */
struct MHD_Daemon *shim_mhd_start_daemon(const struct shim_mhd_settings *settings);

/* MHD_get_daemon_info for the information types that take no extra argument. */
const union MHD_DaemonInfo *shim_mhd_get_daemon_info(struct MHD_Daemon *daemon, enum MHD_DaemonInfoType type);

/* MHD_get_connection_info for the information types that take no extra argument. */
const union MHD_ConnectionInfo *shim_mhd_get_connection_info(
    struct MHD_Connection *connection, enum MHD_ConnectionInfoType type);

#endif
