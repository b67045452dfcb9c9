//! MP4 keeps H.264 as length-prefixed NAL units with the parameter sets in the `avcC` box;
//! the decoder wants an Annex B byte stream (start codes, parameter sets in band).

const START_CODE: [u8; 4] = [0, 0, 0, 1];

#[derive(Debug, Clone)]
pub(crate) struct AvcConfig {
    /// Bytes in each NAL unit's length prefix (1, 2 or 4).
    length_size: usize,
    /// SPS and PPS units, each with its start code, ready to go before the first picture.
    parameter_sets: Vec<u8>,
    /// The SPS units alone, to tell when a stream brings others in band.
    sequence_sets: Vec<Vec<u8>>,
}

impl AvcConfig {
    /// Reads an `avcC` record (ISO/IEC 14496-15, 5.3.3.1).
    pub fn parse(avcc: &[u8]) -> Result<AvcConfig, String> {
        let bad = |what: &str| format!("its H.264 configuration (avcC) is {what}");
        let header = avcc.get(..6).ok_or_else(|| bad("too short"))?;
        let length_size = usize::from(header[4] & 0b11) + 1;
        if length_size == 3 {
            return Err(bad("using 3-byte lengths, which H.264 does not allow"));
        }
        let mut rest = &avcc[5..];
        let mut parameter_sets = Vec::new();
        let mut sequence_sets = Vec::new();
        // SPS count sits in the low 5 bits, PPS count is a whole byte.
        for (mask, sequence) in [(0b1_1111, true), (0xff, false)] {
            let (&count, tail) = rest.split_first().ok_or_else(|| bad("cut short"))?;
            rest = tail;
            for _ in 0..(count & mask) {
                let len = rest
                    .get(..2)
                    .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
                    .ok_or_else(|| bad("cut short"))?;
                let unit = rest.get(2..2 + len).ok_or_else(|| bad("cut short"))?;
                parameter_sets.extend_from_slice(&START_CODE);
                parameter_sets.extend_from_slice(unit);
                if sequence {
                    sequence_sets.push(unit.to_vec());
                }
                rest = &rest[2 + len..];
            }
        }
        if parameter_sets.is_empty() {
            return Err(bad("missing its parameter sets"));
        }
        Ok(AvcConfig {
            length_size,
            parameter_sets,
            sequence_sets,
        })
    }

    /// The SPS units of the configuration record.
    pub fn sequence_sets(&self) -> &[Vec<u8>] {
        &self.sequence_sets
    }

    /// The SPS units a sample brings in band before an IDR picture (NAL unit type 5), which
    /// starts a new coded video sequence: where shots are joined into a film, each shot's
    /// first frame may carry its own. `None` for any other sample; damage reads as `None`
    /// (decoding the sample reports it).
    pub fn new_sequence<'a>(&self, sample: &'a [u8]) -> Option<Vec<&'a [u8]>> {
        let mut sets = Vec::new();
        let mut idr = false;
        let mut rest = sample;
        while !rest.is_empty() {
            let prefix = rest.get(..self.length_size)?;
            let len = prefix
                .iter()
                .fold(0usize, |n, &b| (n << 8) | usize::from(b));
            let unit = rest.get(self.length_size..self.length_size + len)?;
            match unit.first().map(|header| header & 0x1f) {
                Some(7) => sets.push(unit),
                Some(5) => idr = true,
                _ => {}
            }
            rest = &rest[self.length_size + len..];
        }
        (idr && !sets.is_empty()).then_some(sets)
    }

    /// Rewrites one sample into `out` as Annex B, parameter sets first when `with_headers`.
    pub fn to_annexb(
        &self,
        sample: &[u8],
        with_headers: bool,
        out: &mut Vec<u8>,
    ) -> Result<(), String> {
        out.clear();
        if with_headers {
            out.extend_from_slice(&self.parameter_sets);
        }
        let mut rest = sample;
        while !rest.is_empty() {
            let prefix = rest
                .get(..self.length_size)
                .ok_or("a NAL unit's length is cut short")?;
            let len = prefix
                .iter()
                .fold(0usize, |n, &b| (n << 8) | usize::from(b));
            let unit = rest
                .get(self.length_size..self.length_size + len)
                .ok_or("a NAL unit runs past the end of its frame")?;
            out.extend_from_slice(&START_CODE);
            out.extend_from_slice(unit);
            rest = &rest[self.length_size + len..];
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn avcc(length_size: u8, sps: &[u8], pps: &[u8]) -> Vec<u8> {
        let mut out = vec![1, 100, 0, 40, 0b1111_1100 | (length_size - 1), 0b1110_0001];
        out.extend_from_slice(&(sps.len() as u16).to_be_bytes());
        out.extend_from_slice(sps);
        out.push(1);
        out.extend_from_slice(&(pps.len() as u16).to_be_bytes());
        out.extend_from_slice(pps);
        out
    }

    #[test]
    fn rewrites_length_prefixes_as_start_codes() {
        let config = AvcConfig::parse(&avcc(4, &[0x67, 1, 2], &[0x68, 3])).unwrap();
        let mut out = Vec::new();
        config
            .to_annexb(&[0, 0, 0, 2, 0x65, 9, 0, 0, 0, 1, 0x06], true, &mut out)
            .unwrap();
        assert_eq!(
            out,
            [
                0, 0, 0, 1, 0x67, 1, 2, 0, 0, 0, 1, 0x68, 3, 0, 0, 0, 1, 0x65, 9, 0, 0, 0, 1, 0x06
            ]
        );
        config
            .to_annexb(&[0, 0, 0, 1, 0x41], false, &mut out)
            .unwrap();
        assert_eq!(out, [0, 0, 0, 1, 0x41]);
    }

    #[test]
    fn finds_the_sequence_sets_an_idr_picture_brings_in_band() {
        let config = AvcConfig::parse(&avcc(4, &[0x67, 7], &[0x68])).unwrap();
        assert_eq!(config.sequence_sets(), [vec![0x67, 7]]);
        // SPS, PPS, IDR slice: a shot's first frame with its parameter sets in band.
        let first = [0, 0, 0, 2, 0x67, 1, 0, 0, 0, 1, 0x68, 0, 0, 0, 2, 0x65, 1];
        assert_eq!(config.new_sequence(&first), Some(vec![&[0x67, 1][..]]));
        // An IDR picture alone, a P picture, damage, nothing.
        assert_eq!(config.new_sequence(&[0, 0, 0, 2, 0x65, 1]), None);
        assert_eq!(
            config.new_sequence(&[0, 0, 0, 2, 0x41, 9, 0, 0, 0, 1, 0x06]),
            None
        );
        assert_eq!(
            config.new_sequence(&[0, 0, 0, 2, 0x67, 1, 0, 0, 0, 9, 0x65]),
            None
        );
        assert_eq!(config.new_sequence(&[]), None);
    }

    #[test]
    fn refuses_damage_instead_of_reading_past_the_end() {
        let config = AvcConfig::parse(&avcc(2, &[0x67], &[0x68])).unwrap();
        let mut out = Vec::new();
        assert!(config.to_annexb(&[0, 9, 0x65], false, &mut out).is_err());
        assert!(config.to_annexb(&[0], false, &mut out).is_err());
        let full = avcc(4, &[0x67, 1, 2], &[0x68, 3]);
        for cut in 0..full.len() {
            assert!(AvcConfig::parse(&full[..cut]).is_err(), "cut at {cut}");
        }
    }
}
