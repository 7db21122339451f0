#!/bin/sh
# PID 1 of the test guest (kernel command line: init=/opt/keydesk/init.sh). No systemd, no
# udev: mount the basics, load the HID modules, run the scenarios, report, power off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
# The initramfs hands over /proc, /sys and /dev already mounted; mount them if not.
mountpoint -q /proc || mount -t proc proc /proc
mountpoint -q /sys || mount -t sysfs sys /sys
mountpoint -q /dev || mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mount -t tmpfs run /run
hostname keydesk-vm
ip link set lo up
# uhid lets a process create HID devices; hid-generic binds them so hidraw nodes appear
# (with no udevd, nothing else loads it).
modprobe uhid && modprobe hid-generic || echo "init: cannot load uhid/hid-generic"
echo "KEYDESK-VM-BOOTED kernel $(uname -r)"
bash /opt/keydesk/scenarios.sh
status=$?
echo "KEYDESK-VM-RESULT $status"
sync
# isa-debug-exit: QEMU exits at once (with (0 << 1) | 1); the host reads the line above.
printf '\000' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
echo o > /proc/sysrq-trigger
sleep 10
