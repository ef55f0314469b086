set -x
ip netns del ddc 2>/dev/null; ip netns del dds 2>/dev/null
ip netns add ddc; ip netns add dds
ip link add ddc0 netns ddc address 52:54:00:12:34:56 type veth peer name dds0 netns dds
ip -n ddc link set ddc0 up; ip -n ddc link set lo up
ip -n dds link set dds0 up; ip -n dds addr add 10.116.224.1/20 dev dds0
cat > /tmp/ddcap/udhcpd.conf <<C
start 10.116.224.20
end 10.116.224.40
interface dds0
lease_file /tmp/ddcap/udhcpd.leases
option subnet 255.255.240.0
option router 10.116.224.1
option dns 10.116.224.1
option lease 300
C
touch /tmp/ddcap/udhcpd.leases
ip netns exec dds tcpdump -i dds0 -w /tmp/ddcap/all2.pcap -U 'udp port 67 or udp port 68' & TP=$!
sleep 1
ip netns exec dds busybox udhcpd -f /tmp/ddcap/udhcpd.conf & UD=$!
sleep 1
# udhcpc: obtain, renew (USR1), release on exit (-R)
ip netns exec ddc udhcpc -f -i ddc0 -s /tmp/ddcap/ubound.sh -R -x 0x3d:0152540012345600 -x hostname:bbox & UC=$!
sleep 3; kill -USR1 $UC; sleep 2; kill $UC; sleep 1
# dhclient: obtain, then release
ip netns exec ddc dhclient -v -1 -sf /sbin/dhclient-script -lf /tmp/ddcap/dhclient.leases -pf /tmp/ddcap/dhclient.pid ddc0
sleep 1
ip netns exec ddc dhclient -v -r -sf /sbin/dhclient-script -lf /tmp/ddcap/dhclient.leases -pf /tmp/ddcap/dhclient.pid ddc0
sleep 1
# dhclient INIT-REBOOT (it has a lease in the file): REQUEST with option 50 straight away
ip netns exec ddc dhclient -v -1 -sf /sbin/dhclient-script -lf /tmp/ddcap/dhclient.leases -pf /tmp/ddcap/dhclient.pid ddc0
sleep 1
ip netns exec ddc dhclient -x -sf /sbin/dhclient-script -lf /tmp/ddcap/dhclient.leases -pf /tmp/ddcap/dhclient.pid ddc0
sleep 1
kill $UD; kill $TP; sleep 1
ip netns del ddc; ip netns del dds
