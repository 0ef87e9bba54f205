package dev.essay.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.essay.core.model.HostAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShardTest {
    static List<HostAddress> hosts(int n) {
        return IntStream.range(0, n).mapToObj(i -> HostAddress.parse("app@10.0.0." + (i + 1))).toList();
    }

    @Test
    void shardsCoverEveryHostOnceInNearEqualContiguousRuns() {
        for (int size : new int[] {1, 2, 3, 7, 12, 250}) {
            for (int count = 1; count <= 5; count++) {
                List<HostAddress> all = hosts(size);
                List<HostAddress> covered = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    List<HostAddress> part = Shard.of(i, count).select("web", all);
                    assertThat(part.size()).as(size + " hosts, shard " + i + "/" + count)
                            .isBetween(size / count, size / count + 1);
                    covered.addAll(part);
                }
                assertThat(covered).as(size + " hosts in " + count + " shards").containsExactlyElementsOf(all);
            }
        }
        assertThat(Shard.of(1, 2).select("web", hosts(3))).extracting(HostAddress::address)
                .containsExactly("10.0.0.2", "10.0.0.3");
        assertThat(Shard.of(2, 3).select("web", hosts(2))).as("more shards than hosts: one is empty").hasSize(1);
        assertThat(Shard.of(0, 3).select("web", hosts(2))).isEmpty();
    }

    @Test
    void aShardIsParsedFromIndexSlashCountAndAWrongOneSaysHowToWriteIt() {
        assertThat(Shard.parse(" 1/3 ")).isEqualTo(Shard.of(1, 3));
        assertThatThrownBy(() -> Shard.parse("3/3")).hasMessageContaining("shard 3 of 3 does not exist")
                .hasMessageContaining("0/3, 1/3 and 2/3");
        assertThatThrownBy(() -> Shard.parse("1-3")).hasMessageContaining("'1-3' is not a shard")
                .hasMessageContaining("INDEX/COUNT");
        assertThatThrownBy(() -> Shard.of(0, 0)).hasMessageContaining("shard 0 of 0 does not exist");
        assertThatThrownBy(() -> Shard.of(-1, 2)).hasMessageContaining("shard -1 of 2 does not exist");
    }

    @Test
    void namedHostsAreFoundByAddressOrFullSpellingInEssayYamlsOrder() {
        List<HostAddress> all = List.of(HostAddress.parse("app@h1"), HostAddress.parse("app@h2:2222"),
                HostAddress.parse("ops@h2"));
        assertThat(Shard.named(List.of("ops@h2:22", "h1")).select("web", all))
                .containsExactly(all.get(0), all.get(2));
        assertThatThrownBy(() -> Shard.named(List.of("h3")).select("web", all))
                .hasMessageContaining("'h3' is not a host of role web")
                .hasMessageContaining("its hosts: app@h1:22, app@h2:2222, ops@h2:22");
        assertThatThrownBy(() -> Shard.named(List.of("h2")).select("web", all))
                .hasMessageContaining("'h2' is the address of 2 hosts of role web; write it user@address:port");
        assertThatThrownBy(() -> Shard.named(List.of())).hasMessageContaining("at least one host");
        assertThat(Shard.named(List.of("h1")).describe()).isEqualTo("hosts h1");
        assertThat(Shard.of(0, 2).describe()).isEqualTo("shard 0/2");
    }
}
