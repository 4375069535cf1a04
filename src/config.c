/*
 * config.c - defaults for every limit (documented in README, "Limits").
 */
#include "config.h"

#include <string.h>

void config_defaults(struct tt_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->memcap = 256ull * 1024u * 1024u;
	cfg->max_flows = 1000000;
	cfg->tcp_idle_timeout_ns = 300ull * 1000000000ull;
	cfg->tcp_closed_timeout_ns = 5ull * 1000000000ull;
	cfg->udp_timeout_ns = 60ull * 1000000000ull;
	cfg->frag_max_datagrams = 4096;
	cfg->frag_timeout_ns = 30ull * 1000000000ull;
	cfg->reasm_dir_limit = 256u * 1024u;
	cfg->reasm_memcap = 64ull * 1024u * 1024u;
	cfg->max_handshake_msg = 1024u * 1024u;     /* a real Certificate message: 339,629 bytes */
	cfg->max_certs = 16;
	cfg->max_hs_messages = 64;
	cfg->max_alerts = 16;
	cfg->session_memcap = 256ull * 1024u * 1024u;
	cfg->cert_cache_size = 4096;
	cfg->hello_cache_size = 1024;
	cfg->threads = 1;
	cfg->vlan_tracking = true;
	fnd_policy_defaults(&cfg->findings);
}
