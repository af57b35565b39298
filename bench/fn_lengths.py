#!/usr/bin/env python3
# Non-test Rust functions over 60 lines, by brace matching (rough: string and char literals
# are stripped first; a multi-line raw string can still confuse it). `python3 bench/fn_lengths.py src`
import re,sys,os
# Count non-test fn bodies by brace matching (rough but consistent).
res=[]
for root,_,files in os.walk(sys.argv[1]):
    for f in files:
        if not f.endswith('.rs'): continue
        p=os.path.join(root,f); lines=open(p).read().split('\n')
        # cut test modules
        cut=len(lines)
        for i,l in enumerate(lines):
            if l.startswith('#[cfg(test)]'):
                cut=i; break
        i=0
        while i<cut:
            l=lines[i]
            m=re.match(r'\s*(pub(\([a-z]+\))?\s+)?(const\s+)?(unsafe\s+)?fn\s+(\w+)',l)
            if m:
                depth=0; started=False; j=i
                while j<cut:
                    code=re.sub(r'"(\\.|[^"\\])*"','""',lines[j])
                    code=re.sub(r"'(\\.|[^'\\])'","''",code)
                    code=code.split('//')[0]
                    for ch in code:
                        if ch=='{': depth+=1; started=True
                        elif ch=='}': depth-=1
                    if started and depth==0: break
                    if not started and lines[j].rstrip().endswith(';'): break
                    j+=1
                if started: res.append((j-i+1,p,m.group(5)))
                i=j+1 if started else i+1
            else: i+=1
res.sort(reverse=True)
n=len(res); over=[r for r in res if r[0]>60]
print(f"{n} functions, {len(over)} over 60 lines ({100*len(over)/n:.1f}%), {len([r for r in res if r[0]>100])} over 100")
for r in over: print(r)
