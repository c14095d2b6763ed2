/*
 * Sentinel events as a monitor received them from three real sentinels (redis-server 7.0, SentinelTopology with
 * down-after 2000 ms, failover-timeout 10000 ms): milliseconds since the start, the sentinel (s0 to s2), channel and
 * message. Ports renumbered: the master 6379, the replicas 6380 and 6381, sentinel s0 26379.
 */

/** SIGKILL of the master 6379: 6380 is promoted (epoch 1, leader s0). */
export const KILLED_MASTER = `
2559 s1 +sdown master sessions 127.0.0.1 6379
2578 s2 +sdown master sessions 127.0.0.1 6379
2581 s0 +sdown master sessions 127.0.0.1 6379
2654 s0 +odown master sessions 127.0.0.1 6379 #quorum 3/2
2655 s0 +new-epoch 1
2655 s0 +try-failover master sessions 127.0.0.1 6379
2655 s0 +vote-for-leader 5a36ef1766106dd9e6c8e688fbed5b20645f52fe 1
2687 s2 +new-epoch 1
2687 s2 +vote-for-leader 5a36ef1766106dd9e6c8e688fbed5b20645f52fe 1
2689 s2 +odown master sessions 127.0.0.1 6379 #quorum 2/2
2689 s1 +new-epoch 1
2689 s1 +vote-for-leader 5a36ef1766106dd9e6c8e688fbed5b20645f52fe 1
2731 s0 +elected-leader master sessions 127.0.0.1 6379
2731 s0 +failover-state-select-slave master sessions 127.0.0.1 6379
2787 s0 +selected-slave slave 127.0.0.1:6380 127.0.0.1 6380 @ sessions 127.0.0.1 6379
2787 s0 +failover-state-send-slaveof-noone slave 127.0.0.1:6380 127.0.0.1 6380 @ sessions 127.0.0.1 6379
2850 s0 +failover-state-wait-promotion slave 127.0.0.1:6380 127.0.0.1 6380 @ sessions 127.0.0.1 6379
3671 s1 +odown master sessions 127.0.0.1 6379 #quorum 3/2
3671 s1 -role-change slave 127.0.0.1:6380 127.0.0.1 6380 @ sessions 127.0.0.1 6379 new reported role is master
3689 s2 -role-change slave 127.0.0.1:6380 127.0.0.1 6380 @ sessions 127.0.0.1 6379 new reported role is master
3710 s0 -role-change slave 127.0.0.1:6380 127.0.0.1 6380 @ sessions 127.0.0.1 6379 new reported role is master
3710 s0 +promoted-slave slave 127.0.0.1:6380 127.0.0.1 6380 @ sessions 127.0.0.1 6379
3710 s0 +failover-state-reconf-slaves master sessions 127.0.0.1 6379
3791 s0 +slave-reconf-sent slave 127.0.0.1:6381 127.0.0.1 6381 @ sessions 127.0.0.1 6379
3795 s2 +config-update-from sentinel 5a36ef1766106dd9e6c8e688fbed5b20645f52fe 127.0.0.1 26379 @ sessions 127.0.0.1 6379
3795 s2 +switch-master sessions 127.0.0.1 6379 127.0.0.1 6380
3795 s2 +slave slave 127.0.0.1:6381 127.0.0.1 6381 @ sessions 127.0.0.1 6380
3795 s2 +slave slave 127.0.0.1:6379 127.0.0.1 6379 @ sessions 127.0.0.1 6380
3796 s1 +config-update-from sentinel 5a36ef1766106dd9e6c8e688fbed5b20645f52fe 127.0.0.1 26379 @ sessions 127.0.0.1 6379
3796 s1 +switch-master sessions 127.0.0.1 6379 127.0.0.1 6380
3796 s1 +slave slave 127.0.0.1:6381 127.0.0.1 6381 @ sessions 127.0.0.1 6380
3796 s1 +slave slave 127.0.0.1:6379 127.0.0.1 6379 @ sessions 127.0.0.1 6380
4782 s0 +slave-reconf-inprog slave 127.0.0.1:6381 127.0.0.1 6381 @ sessions 127.0.0.1 6379
4782 s0 +slave-reconf-done slave 127.0.0.1:6381 127.0.0.1 6381 @ sessions 127.0.0.1 6379
4859 s0 -odown master sessions 127.0.0.1 6379
4859 s0 +failover-end master sessions 127.0.0.1 6379
4859 s0 +switch-master sessions 127.0.0.1 6379 127.0.0.1 6380
4859 s0 +slave slave 127.0.0.1:6381 127.0.0.1 6381 @ sessions 127.0.0.1 6380
4859 s0 +slave slave 127.0.0.1:6379 127.0.0.1 6379 @ sessions 127.0.0.1 6380
5802 s1 +sdown slave 127.0.0.1:6379 127.0.0.1 6379 @ sessions 127.0.0.1 6380
5805 s2 +sdown slave 127.0.0.1:6379 127.0.0.1 6379 @ sessions 127.0.0.1 6380
6889 s0 +sdown slave 127.0.0.1:6379 127.0.0.1 6379 @ sessions 127.0.0.1 6380
13093 s1 -role-change slave 127.0.0.1:6379 127.0.0.1 6379 @ sessions 127.0.0.1 6380 new reported role is master
13152 s2 -role-change slave 127.0.0.1:6379 127.0.0.1 6379 @ sessions 127.0.0.1 6380 new reported role is master
13155 s1 -sdown slave 127.0.0.1:6379 127.0.0.1 6379 @ sessions 127.0.0.1 6380
13214 s2 -sdown slave 127.0.0.1:6379 127.0.0.1 6379 @ sessions 127.0.0.1 6380
13392 s0 -role-change slave 127.0.0.1:6379 127.0.0.1 6379 @ sessions 127.0.0.1 6380 new reported role is master
13469 s0 -sdown slave 127.0.0.1:6379 127.0.0.1 6379 @ sessions 127.0.0.1 6380
`;

/** `SENTINEL FAILOVER sessions` sent to s0 some 16 s later: 6381 is promoted (epoch 2). Times from the same start. */
export const MANUAL_FAILOVER = `
20630 s0 +new-epoch 2
20630 s0 +try-failover master sessions 127.0.0.1 6380
20653 s0 +vote-for-leader 5a36ef1766106dd9e6c8e688fbed5b20645f52fe 2
20653 s0 +elected-leader master sessions 127.0.0.1 6380
20653 s0 +failover-state-select-slave master sessions 127.0.0.1 6380
20733 s0 +selected-slave slave 127.0.0.1:6381 127.0.0.1 6381 @ sessions 127.0.0.1 6380
20733 s0 +failover-state-send-slaveof-noone slave 127.0.0.1:6381 127.0.0.1 6381 @ sessions 127.0.0.1 6380
20811 s0 +failover-state-wait-promotion slave 127.0.0.1:6381 127.0.0.1 6381 @ sessions 127.0.0.1 6380
21095 s1 +new-epoch 2
21095 s2 +new-epoch 2
21729 s0 -role-change slave 127.0.0.1:6381 127.0.0.1 6381 @ sessions 127.0.0.1 6380 new reported role is master
21730 s0 +promoted-slave slave 127.0.0.1:6381 127.0.0.1 6381 @ sessions 127.0.0.1 6380
21730 s0 +failover-state-reconf-slaves master sessions 127.0.0.1 6380
21731 s0 +convert-to-slave slave 127.0.0.1:6379 127.0.0.1 6379 @ sessions 127.0.0.1 6380
21825 s2 +config-update-from sentinel 5a36ef1766106dd9e6c8e688fbed5b20645f52fe 127.0.0.1 26379 @ sessions 127.0.0.1 6380
21825 s2 +switch-master sessions 127.0.0.1 6380 127.0.0.1 6381
21825 s2 +slave slave 127.0.0.1:6379 127.0.0.1 6379 @ sessions 127.0.0.1 6381
21825 s2 +slave slave 127.0.0.1:6380 127.0.0.1 6380 @ sessions 127.0.0.1 6381
21828 s1 +config-update-from sentinel 5a36ef1766106dd9e6c8e688fbed5b20645f52fe 127.0.0.1 26379 @ sessions 127.0.0.1 6380
21828 s1 +switch-master sessions 127.0.0.1 6380 127.0.0.1 6381
21828 s1 +slave slave 127.0.0.1:6379 127.0.0.1 6379 @ sessions 127.0.0.1 6381
21828 s1 +slave slave 127.0.0.1:6380 127.0.0.1 6380 @ sessions 127.0.0.1 6381
21850 s1 -role-change slave 127.0.0.1:6380 127.0.0.1 6380 @ sessions 127.0.0.1 6381 new reported role is master
21872 s0 +slave-reconf-sent slave 127.0.0.1:6379 127.0.0.1 6379 @ sessions 127.0.0.1 6380
21880 s2 -role-change slave 127.0.0.1:6380 127.0.0.1 6380 @ sessions 127.0.0.1 6381 new reported role is master
22835 s0 +role-change slave 127.0.0.1:6379 127.0.0.1 6379 @ sessions 127.0.0.1 6380 new reported role is slave
22835 s0 +slave-reconf-inprog slave 127.0.0.1:6379 127.0.0.1 6379 @ sessions 127.0.0.1 6380
22835 s0 +slave-reconf-done slave 127.0.0.1:6379 127.0.0.1 6379 @ sessions 127.0.0.1 6380
22897 s0 +failover-end master sessions 127.0.0.1 6380
22897 s0 +switch-master sessions 127.0.0.1 6380 127.0.0.1 6381
22897 s0 +slave slave 127.0.0.1:6379 127.0.0.1 6379 @ sessions 127.0.0.1 6381
22897 s0 +slave slave 127.0.0.1:6380 127.0.0.1 6380 @ sessions 127.0.0.1 6381
22960 s0 -role-change slave 127.0.0.1:6380 127.0.0.1 6380 @ sessions 127.0.0.1 6381 new reported role is master
`;

/**
 * Written after KILLED_MASTER, not captured: the leader s0 is killed right after its election (epoch 1) and
 * publishes nothing more; twice the failover timeout later s1 starts over in epoch 2 and promotes 6380.
 */
export const LEADER_DIED = `
2559 s1 +sdown master sessions 127.0.0.1 6379
2578 s2 +sdown master sessions 127.0.0.1 6379
2581 s0 +sdown master sessions 127.0.0.1 6379
2654 s0 +odown master sessions 127.0.0.1 6379 #quorum 3/2
2655 s0 +new-epoch 1
2655 s0 +try-failover master sessions 127.0.0.1 6379
2687 s2 +new-epoch 1
2687 s2 +vote-for-leader 5a36ef1766106dd9e6c8e688fbed5b20645f52fe 1
2689 s1 +new-epoch 1
2689 s1 +vote-for-leader 5a36ef1766106dd9e6c8e688fbed5b20645f52fe 1
2731 s0 +elected-leader master sessions 127.0.0.1 6379
2731 s0 +failover-state-select-slave master sessions 127.0.0.1 6379
22731 s1 +new-epoch 2
22731 s1 +try-failover master sessions 127.0.0.1 6379
22740 s2 +new-epoch 2
22740 s2 +vote-for-leader 9b0cf2a47e1e7cb2f8e1a3d7c0ad1f4d2e6b1c11 2
22760 s1 +elected-leader master sessions 127.0.0.1 6379
22760 s1 +failover-state-select-slave master sessions 127.0.0.1 6379
22800 s1 +selected-slave slave 127.0.0.1:6380 127.0.0.1 6380 @ sessions 127.0.0.1 6379
23700 s1 +promoted-slave slave 127.0.0.1:6380 127.0.0.1 6380 @ sessions 127.0.0.1 6379
23700 s1 +failover-state-reconf-slaves master sessions 127.0.0.1 6379
23790 s2 +switch-master sessions 127.0.0.1 6379 127.0.0.1 6380
24800 s1 +failover-end master sessions 127.0.0.1 6379
24800 s1 +switch-master sessions 127.0.0.1 6379 127.0.0.1 6380
`;
