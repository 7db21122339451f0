#!/bin/bash
# KEYDESK_HW_REPLUG_CMD for the driver's hardware suite: pull key "hw" and plug it back in
# (a fresh process: a power-up, so the 10 s reset window starts again; PIN state kept).
. /opt/keydesk/keys.sh
pull hw
sleep "${1:-0.5}"
plug hw again
