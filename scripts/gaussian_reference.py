import struct, math
def rotl(v,c): return ((v<<c)&0xffffffff)|(v>>(32-c))
def qr(s,a,b,c,d):
    s[a]=(s[a]+s[b])&0xffffffff; s[d]=rotl(s[d]^s[a],16)
    s[c]=(s[c]+s[d])&0xffffffff; s[b]=rotl(s[b]^s[c],12)
    s[a]=(s[a]+s[b])&0xffffffff; s[d]=rotl(s[d]^s[a],8)
    s[c]=(s[c]+s[d])&0xffffffff; s[b]=rotl(s[b]^s[c],7)
def block(key, counter):
    const=[0x61707865,0x3320646e,0x79622d32,0x6b206574]
    k=list(struct.unpack('<8I',key))
    st=const+k+[counter&0xffffffff, counter>>32, 0, 0]
    w=st[:]
    for _ in range(10):
        qr(w,0,4,8,12);qr(w,1,5,9,13);qr(w,2,6,10,14);qr(w,3,7,11,15)
        qr(w,0,5,10,15);qr(w,1,6,11,12);qr(w,2,7,8,13);qr(w,3,4,9,14)
    return [(w[i]+st[i])&0xffffffff for i in range(16)]
def u64s(seed,n):
    key=struct.pack('<Q',seed)+b'\0'*24
    words=[];c=0
    while len(words)<2*n:
        words+=block(key,c);c+=1
    return [words[2*i] | (words[2*i+1]<<32) for i in range(n)]
def normals(seed,n):
    xs=u64s(seed,n+1); out=[]
    i=0
    while len(out)<n:
        u1=((xs[i]>>11)+0.5)*2**-53; u2=((xs[i+1]>>11)+0.5)*2**-53; i+=2
        r=math.sqrt(-2*math.log(u1)); a=2*math.pi*u2
        out+= [r*math.cos(a), r*math.sin(a)]
    return out[:n]
for s,n in ((0,4),(7,3)):
    g=normals(s,n); print(s,[struct.unpack('<Q',struct.pack('<d',x))[0] for x in g], g)
