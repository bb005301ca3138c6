# Builds events.ndjson from the labelled groups below and the real corpus (run from the repository root).
# Every statement of the corpus with a full date (day known) is in the set; a statement in no group is a singleton event.
import hashlib, json, re

GROUPS = {
    # event id: (statement ids, what the story is)
    "2021-04-climate-leaders-summit": ("nato-010 nato-011", "SG at the Leaders Summit on Climate, remarks and news item"),
    "2021-06-brussels-summit": ("nato-016 nato-284 nato-017 nato-285", "Brussels Summit 14 June 2021: preview, agenda, closing press conference, climate action plan adopted there"),
    "2021-10-innovation-fund": ("nato-287 nato-288", "Declaration of Intent on the NATO Innovation Fund, speech and news item"),
    "2021-11-nuclear-symposium": ("nato-289 nato-290", "SG at the Nuclear Policy Symposium, speech and news item"),
    "2021-11-ndc-70": ("nato-035 nato-036", "70th anniversary of the NATO Defense College, speech and news item"),
    "2021-12-ep-ukraine-border": ("ep-011 ep-012 ep-013", "EP resolution on the situation at the Ukrainian border: motions and adopted text"),
    "2022-01-extraordinary-fm": ("nato-043 nato-044", "Extraordinary meeting of foreign ministers, 7 January 2022"),
    "2022-02-defence-ministers": ("nato-052 nato-053 nato-054 nato-055", "Defence ministers' meeting, 16-17 February 2022"),
    "2022-02-extraordinary-summit": ("nato-058 nato-059", "Extraordinary virtual summit, 25 February 2022"),
    "2022-03-sg-visits-poland-estonia": ("nato-060 nato-061 nato-062", "SG visits Poland and Estonia, 1-2 March 2022"),
    "2022-03-extraordinary-defence": ("nato-064 nato-065", "Extraordinary defence ministers' meeting, 16 March 2022"),
    "2022-03-extraordinary-summit": ("nato-066 nato-067 nato-068", "Extraordinary summit, 24 March 2022"),
    "2022-04-ep-european-council-conclusions": ("ep-031 ep-032", "Motions on the conclusions of the European Council of 24-25 March 2022"),
    "2022-04-foreign-ministers": ("nato-070 nato-071 nato-072", "Foreign ministers' meeting, 6-7 April 2022"),
    "2022-05-ep-war-impact-women": ("ep-034 ep-039", "EP report and resolution on the impact of the war against Ukraine on women"),
    "2022-04-ep-discharge-2020": ("ep-035 ep-168 ep-038", "EP discharge for the 2020 budget"),
    "2022-05-military-committee": ("nato-075 nato-294", "Military Committee in Chiefs of Defence session, May 2022"),
    "2022-06-finland-kultaranta": ("nato-080 nato-081", "SG in Finland: press point with Niinistö and Kultaranta talks"),
    "2022-06-defence-ministers": ("nato-083 nato-084", "Defence ministers' meeting, 15-16 June 2022"),
    "2022-06-madrid-summit": ("nato-085 nato-086 nato-090 nato-091 nato-092 nato-297 nato-094 ep-046", "Madrid Summit 28-30 June 2022: previews, doorstep, NAC sessions, agenda; EPRS briefing on its outcome"),
    "2022-06-climate-impact-assessment": ("nato-087 nato-088", "Climate Change and Security Impact Assessment released at the High-Level Dialogue, Madrid"),
    "2022-06-ep-amending-budget-3": ("ep-169 ep-170", "Draft amending budget 3/2022: reception of people fleeing Ukraine"),
    "2022-07-accession-protocols": ("nato-097 nato-098", "Signature of the accession protocols for Finland and Sweden, 5 July 2022"),
    "2022-09-ep-energy-prices": ("ep-049 ep-050", "EP motions on the EU's response to the increase in energy prices"),
    "2022-09-annexation": ("nato-104 nato-105 ep-051 ep-052", "Russia's attempted annexation of Ukrainian regions: NATO condemnation and EP motions on the escalation"),
    "2022-10-defence-ministers": ("nato-107 nato-108 nato-109 nato-110", "Defence ministers' meeting, 12-13 October 2022"),
    "2022-10-romania-black-sea": ("nato-113 nato-114", "SG with the Romanian Prime Minister on Black Sea security"),
    "2022-11-bucharest-foreign-ministers": ("nato-124 nato-125 nato-127 nato-128 nato-129", "Foreign ministers' meeting in Bucharest, 29-30 November 2022, and the SG's visit around it"),
    "2023-01-eu-nato-declaration": ("nato-136 ep-072 ep-073", "Third joint EU-NATO declaration signed 10 January 2023; EPRS analyses of it"),
    "2023-01-sg-korea": ("nato-141 nato-142", "SG visits the Republic of Korea"),
    "2023-01-sg-japan": ("nato-143 nato-144 nato-306", "SG visits Japan"),
    "2023-02-one-year-of-war": ("ep-074 ep-075 nato-151", "One year of Russia's full-scale war: EP motions and NAC statement"),
    "2023-02-defence-ministers": ("nato-146 nato-148 nato-149", "Defence ministers' meeting, 14-15 February 2023"),
    "2023-03-ep-rule-of-law": ("ep-081 ep-082", "EP resolution on the 2022 Rule of Law report"),
    "2023-04-foreign-ministers-finland": ("nato-277 nato-158 nato-159 nato-160 nato-161 nato-162", "Foreign ministers' meeting, 4-5 April 2023, on the day Finland joins"),
    "2023-06-oslo-informal-fm": ("nato-168 nato-169", "Informal foreign ministers' meeting in Oslo, 1 June 2023"),
    "2023-06-bratislava-b9": ("nato-170 nato-171", "SG in Bratislava for the B9 Summit"),
    "2023-06-defence-ministers": ("nato-172 nato-173 nato-174 nato-175", "Defence ministers' meeting, 15-16 June 2023"),
    "2023-07-vilnius-summit": ("ep-085 ep-087 nato-179 nato-182 nato-185 nato-187 nato-188", "Vilnius Summit 11-12 July 2023: EPRS previews, pre-summit and closing press conferences, doorstep, NAC and NUC sessions"),
    "2023-07-japan-at-vilnius": ("nato-183 nato-184", "Japan's Prime Minister with the SG at the Vilnius Summit"),
    "2023-10-defence-ministers": ("nato-195 nato-196", "Defence ministers' meeting, 11-12 October 2023"),
    "2023-10-ep-ukraine-facility": ("ep-179 ep-180 ep-181", "EP first reading on establishing the Ukraine Facility (October 2023)"),
    "2023-11-ep-sanctions-effectiveness": ("ep-097 ep-098 ep-099 ep-100 ep-101", "EP resolution on the effectiveness of EU sanctions on Russia"),
    "2023-11-foreign-ministers": ("nato-205 nato-206", "Foreign ministers' meeting, 28-29 November 2023"),
    "2024-03-sweden-joins": ("nato-227 nato-228", "Sweden joins NATO, 7-11 March 2024"),
    "2024-04-nato-75": ("nato-230 nato-231 nato-232", "NATO's 75th anniversary at the foreign ministers' meeting, 4 April 2024"),
    "2024-04-ep-russia-elections": ("ep-122 ep-123 ep-124", "EP motions on Russia's presidential elections"),
    "2024-07-washington-summit": ("nato-243 nato-245 nato-246 nato-247 nato-244", "Washington Summit 9-11 July 2024"),
    "2024-09-ep-venezuela": ("ep-128 ep-129", "EP motions on the situation in Venezuela"),
    "2024-09-ep-ukraine-support": ("ep-130 ep-131", "EP motions on continued financial and military support to Ukraine"),
    "2024-09-ep-afghan-women": ("ep-132 ep-133 ep-134", "EP motions on the situation of women in Afghanistan"),
    "2024-11-ep-shadow-fleet": ("ep-135 ep-136", "EP motions on the Russian shadow fleet"),
    "2024-11-ep-georgia": ("ep-137 ep-138", "EP motions on Georgia's democratic crisis"),
    "2025-01-ep-russia-disinformation": ("ep-145 ep-146", "EP motions on Russia's disinformation and historical falsification"),
    "2025-03-ep-defence-white-paper": ("ep-147 ep-148 ep-149 ep-150 ep-151 ep-152 ep-153", "EP motions on the white paper on the future of European defence"),
    # Added after an audit of shared procedure numbers (every pair of labelled statements citing the same procedure):
    # both pages are about EGF application EGF/2024/003 BE, procedure 2025/0061(BUD); first labelled as two singletons.
    "2025-05-ep-egf-automotive-belgium": ("ep-199 ep-200", "EP mobilises the EGF for redundancies in the Belgian automotive industry (EGF/2024/003 BE)"),
    "2025-06-vilnius-b9-nordic": ("nato-266 nato-267", "B9 and Nordic summit in Vilnius, 2 June 2025"),
    "2025-06-defence-ministers": ("nato-268 nato-269", "Defence ministers' meeting, 5 June 2025"),
}

def split_of(event):
    h = hashlib.sha256(event.encode()).digest()
    return "heldout" if int.from_bytes(h[:4], "little") % 100 < 40 else "tune"

rows = [json.loads(l) for l in open("src/Monitor.Core/Tagging/Evaluation/corpus.ndjson")]
full = {r["id"]: r for r in rows if re.fullmatch(r"\d{4}-\d\d-\d\d", r["date"])}
assigned = {}
for ev, (ids, _) in GROUPS.items():
    for i in ids.split():
        assert i in full, (ev, i)
        assert i not in assigned, i
        assigned[i] = ev
out = []
for i, r in sorted(full.items(), key=lambda kv: (kv[1]["date"], kv[0])):
    ev = assigned.get(i, "single-" + i)
    line = {"id": i, "event": ev, "split": split_of(ev)}
    if ev in GROUPS:
        line["story"] = GROUPS[ev][1]
    out.append(line)
with open("src/Monitor.Core/Events/Evaluation/events.ndjson", "w") as f:
    for o in out:
        f.write(json.dumps(o, ensure_ascii=False) + "\n")
from collections import Counter
sizes = Counter(o["event"] for o in out)
for s in ("tune", "heldout"):
    evs = {o["event"] for o in out if o["split"] == s}
    multi = [e for e in evs if sizes[e] > 1]
    mixed = [e for e in multi if len({full[o["id"]]["institution"] for o in out if o["event"] == e}) > 1]
    print(s, "statements", sum(1 for o in out if o["split"] == s), "events", len(evs), "multi", len(multi), "in multi", sum(sizes[e] for e in multi), "both institutions", len(mixed))
